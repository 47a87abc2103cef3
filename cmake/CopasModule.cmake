# copas_add_module(NAME SOURCES ... PUBLIC_DEPS ... PRIVATE_DEPS ... PC_LIBS ...)
#
# One module = one library target copas_NAME exported as copas::NAME, public headers in
# NAME/include/copas, sources in NAME/src, and a pkg-config file copas-NAME.pc.
#
# Static by default; with BUILD_SHARED_LIBS=ON a shared library libcopas_NAME.so.VERSION with
# SONAME libcopas_NAME.so.COPAS_SOVERSION (cmake/CopasVersion.cmake). Either way symbols are
# hidden unless declared in a public header between <copas/core/api_prefix.hpp> and
# <copas/core/api_suffix.hpp> (see api_prefix.hpp: how to mark a new public header), and a linker
# version script (cmake/copas.map) keeps everything outside namespace copas local, so the shared
# libraries export the public API and nothing else.
file(RELATIVE_PATH COPAS_PC_PREFIX_FROM_PCDIR /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" COPAS_PC_PREFIX_FROM_PCDIR "${COPAS_PC_PREFIX_FROM_PCDIR}")

function(copas_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS;PC_REQUIRES;PC_LIBS" ${ARGN})
  set(target copas_${name})
  if(M_SOURCES)
    add_library(${target} ${M_SOURCES})
    set(scope PUBLIC)
    copas_warnings(${target})
    set_target_properties(${target} PROPERTIES
      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
      VERSION ${PROJECT_VERSION} SOVERSION ${COPAS_SOVERSION})
    if(BUILD_SHARED_LIBS)
      target_link_options(${target} PRIVATE "LINKER:--version-script=${PROJECT_SOURCE_DIR}/cmake/copas.map")
      set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/copas.map)
    endif()
    set(pc_own_lib "-lcopas_${name}")
  else()
    add_library(${target} INTERFACE)
    set(scope INTERFACE)
    set(pc_own_lib "")
  endif()
  add_library(copas::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME copas_${name})
  target_include_directories(${target} ${scope}
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} ${scope} cxx_std_20)
  if(M_PUBLIC_DEPS)
    target_link_libraries(${target} ${scope} ${M_PUBLIC_DEPS})
  endif()
  if(M_PRIVATE_DEPS AND M_SOURCES)
    target_link_libraries(${target} PRIVATE ${M_PRIVATE_DEPS})
  endif()
  # Components for the Debian packages (cmake/CopasDeb.cmake): the shared objects go to
  # libcopas-cpp, headers, static archives, .so links, CMake and pkg-config files to -dev.
  install(TARGETS ${target} EXPORT copasTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev)
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

  set(PC_NAME copas-${name})
  set(PC_REQUIRES "${M_PC_REQUIRES}")
  set(PC_LIBS "${pc_own_lib} ${M_PC_LIBS}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/copas-module.pc.in
    ${PROJECT_BINARY_DIR}/pkgconfig/copas-${name}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/copas-${name}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
endfunction()
