# checkheaders: compiles every public header on its own (one translation unit per header, with
# the project's warnings as errors), so each is self-contained, and checks that each marks its
# API for export (core/include/copas/core/api_prefix.hpp). Not part of `all`; CI builds it.
file(GLOB_RECURSE COPAS_PUBLIC_HEADERS CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/*/include/copas/*.hpp ${PROJECT_SOURCE_DIR}/include/copas/*.hpp)
list(FILTER COPAS_PUBLIC_HEADERS EXCLUDE REGEX "/(build|tests|tools|examples)/")
set(_copas_check_sources "")
foreach(h ${COPAS_PUBLIC_HEADERS})
  string(REGEX REPLACE ".*/include/(copas/.*)$" "\\1" rel ${h})
  if(rel MATCHES "api_(prefix|suffix)\\.hpp$")
    continue()
  endif()
  string(MAKE_C_IDENTIFIER ${rel} id)
  set(tu ${PROJECT_BINARY_DIR}/checkheaders/${id}.cpp)
  file(CONFIGURE OUTPUT ${tu} CONTENT "#include <${rel}>\n#include <${rel}>  // twice: the guard works\n")
  list(APPEND _copas_check_sources ${tu})
endforeach()
add_library(copas_checkheaders OBJECT EXCLUDE_FROM_ALL ${_copas_check_sources})
target_link_libraries(copas_checkheaders PRIVATE copas::copas)
# Only whether each header compiles on its own matters here: no optimizer, no debug info (a
# quarter less time).
target_compile_options(copas_checkheaders PRIVATE ${COPAS_WARNING_FLAGS} -Werror -O0 -g0)
add_custom_target(copas_check_api_marks
  COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/cmake/CheckApiMarks.cmake
  COMMENT "Checking that each public header marks its API for export")
add_custom_target(checkheaders DEPENDS copas_checkheaders copas_check_api_marks)
