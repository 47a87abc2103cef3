# cmake -DROOT=<source dir> -P CheckApiMarks.cmake: fails naming each public header that declares a
# namespace but lacks the export marks <copas/core/api_prefix.hpp> / <copas/core/api_suffix.hpp>
# (scripts/mark-public-api.sh adds them).
file(GLOB_RECURSE headers ${ROOT}/*/include/copas/*.hpp ${ROOT}/include/copas/*.hpp)
list(FILTER headers EXCLUDE REGEX "/(build|tests|tools|examples)/")
set(unmarked "")
foreach(h ${headers})
  file(READ ${h} text)
  if(text MATCHES "\nnamespace " AND NOT (text MATCHES "copas/core/api_prefix\\.hpp>"
                                       AND text MATCHES "copas/core/api_suffix\\.hpp>"))
    list(APPEND unmarked ${h})
  endif()
endforeach()
if(unmarked)
  list(JOIN unmarked "\n  " listed)
  message(FATAL_ERROR "public headers without export marks (run scripts/mark-public-api.sh):\n  ${listed}")
endif()
