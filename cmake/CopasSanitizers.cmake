# Sanitizer builds. Boost.Fiber's stack switches happen inside Debian's libboost_fiber, which is
# not annotated; copas-cpp announces each switch to ASan and TSan itself (core/src/sanitizer.hpp),
# so the reports are honest rather than silenced.
if(COPAS_SANITIZE)
  string(REPLACE "," ";" _copas_san_list "${COPAS_SANITIZE}")
  add_compile_options(-fsanitize=${COPAS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${COPAS_SANITIZE})
  if("address" IN_LIST _copas_san_list)
    add_compile_definitions(COPAS_ASAN=1)
  endif()
  if("thread" IN_LIST _copas_san_list)
    add_compile_definitions(COPAS_TSAN=1)
  endif()
endif()
