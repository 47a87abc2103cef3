# The version lives in one place: project(copas VERSION ...) in the top CMakeLists.txt. From it
# come copas/core/version.hpp (generated below), the shared libraries' VERSION and SOVERSION, the
# pkg-config files, copasConfigVersion.cmake and the Debian packages.
#
# ABI: while the major version is 0, every minor release may break it, so the SONAME carries
# major.minor (libcopas_core.so.0.1); from 1.0 on it carries the major version alone.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(COPAS_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(COPAS_SOVERSION ${PROJECT_VERSION_MAJOR})
endif()
set(COPAS_GENERATED_INCLUDE_DIR ${PROJECT_BINARY_DIR}/generated/include)
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.hpp.in
  ${COPAS_GENERATED_INCLUDE_DIR}/copas/core/version.hpp @ONLY)
