# copas_warnings(TARGET...): the warning set every copas-cpp target is built with (libraries,
# tests, tools, benchmarks, examples); with COPAS_WERROR=ON (CI) a warning fails the build.
# -Wno-missing-field-initializers: GCC 12 warns on designated initializers that leave members to
# their defaults, which is how the API's option structs are meant to be filled in.
set(COPAS_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(COPAS_WERROR)
  list(APPEND COPAS_WARNING_FLAGS -Werror)
endif()
function(copas_warnings)
  foreach(t ${ARGN})
    target_compile_options(${t} PRIVATE ${COPAS_WARNING_FLAGS})
  endforeach()
endfunction()
