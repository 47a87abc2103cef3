# Sanitizer builds. Fiber stack switches are annotated in core/src/sanitizer_annotations.hpp
# (ASan's __sanitizer_start/finish_switch_fiber via Boost.Context's BOOST_USE_ASAN, TSan's
# fiber API via BOOST_USE_TSAN), so the reports are honest rather than silenced.
if(COPAS_SANITIZE)
  string(REPLACE "," ";" _copas_san_list "${COPAS_SANITIZE}")
  add_compile_options(-fsanitize=${COPAS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${COPAS_SANITIZE})
  if("address" IN_LIST _copas_san_list)
    add_compile_definitions(BOOST_USE_ASAN COPAS_ASAN=1)
  endif()
  if("thread" IN_LIST _copas_san_list)
    add_compile_definitions(BOOST_USE_TSAN COPAS_TSAN=1)
  endif()
endif()
