# http benchmarks against a loopback nginx started by the benchmark itself (nginx-light).
find_package(CURL)
# The loopback nginx of the http tests, and the port helpers it stands on.
set(_copas_bench_nginx ${PROJECT_SOURCE_DIR}/tests/http/nginx_server.cpp ${PROJECT_SOURCE_DIR}/tests/support/ports.cpp)
set(_copas_bench_nginx_include ${PROJECT_SOURCE_DIR}/tests/http ${PROJECT_SOURCE_DIR}/tests/support)
if(TARGET copas::http AND CURL_FOUND)
  add_executable(bench_http_keepalive ${CMAKE_CURRENT_LIST_DIR}/http_keepalive.cpp ${_copas_bench_nginx})
  target_include_directories(bench_http_keepalive PRIVATE ${_copas_bench_nginx_include})
  target_link_libraries(bench_http_keepalive PRIVATE copas::http CURL::libcurl)
endif()
if(TARGET copas-fetch)
  add_executable(bench_http_download ${CMAKE_CURRENT_LIST_DIR}/http_download.cpp ${_copas_bench_nginx})
  target_include_directories(bench_http_download PRIVATE ${_copas_bench_nginx_include})
  target_compile_definitions(bench_http_download PRIVATE COPAS_FETCH_BIN="$<TARGET_FILE:copas-fetch>")
  add_dependencies(bench_http_download copas-fetch)
endif()
if(TARGET copas-proxy)
  # (4) wrk through copas-proxy vs through an nginx reverse proxy: `ninja bench_http_proxy_wrk`.
  add_custom_target(bench_http_proxy_wrk
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/http_proxy_wrk.sh $<TARGET_FILE:copas-proxy>
    DEPENDS copas-proxy USES_TERMINAL)
endif()
if(TARGET copas::http AND CURL_FOUND)
  # New HTTPS connection per GET, copas vs libcurl (full handshakes, and resumed).
  add_executable(bench_https_connect ${CMAKE_CURRENT_LIST_DIR}/https_connect.cpp ${_copas_bench_nginx})
  target_include_directories(bench_https_connect PRIVATE ${_copas_bench_nginx_include})
  target_link_libraries(bench_https_connect PRIVATE copas::http CURL::libcurl)
endif()
if(TARGET copas-proxy)
  # (5) copas::http::server vs nginx, copas-proxy CPU per request vs HAProxy, reverse mode vs
  # nginx proxy_pass, held relay connections and tunnels: `ninja bench_http_server_proxy`.
  add_executable(bench_http_server_hello ${CMAKE_CURRENT_LIST_DIR}/http_server_hello.cpp)
  target_link_libraries(bench_http_server_hello PRIVATE copas::http)
  add_custom_target(bench_http_server_proxy
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/http_server_proxy.sh $<TARGET_FILE:copas-proxy>
            $<TARGET_FILE:bench_http_server_hello>
    DEPENDS copas-proxy bench_http_server_hello USES_TERMINAL)
endif()
