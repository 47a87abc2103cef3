# Net benchmarks: echo load (copas-echo against a raw libevent callback echo server, TLS echo).
add_executable(bench_net_raw_echo ${CMAKE_CURRENT_LIST_DIR}/net_raw_echo.cpp)
target_link_libraries(bench_net_raw_echo PRIVATE PkgConfig::LIBEVENT)
add_executable(bench_net_load ${CMAKE_CURRENT_LIST_DIR}/net_load.cpp)
target_link_libraries(bench_net_load PRIVATE OpenSSL::SSL OpenSSL::Crypto)
target_compile_definitions(bench_net_load PRIVATE
  COPAS_ECHO_PATH="$<TARGET_FILE:copas-echo>"
  RAW_ECHO_PATH="$<TARGET_FILE:bench_net_raw_echo>")
add_dependencies(bench_net_load copas-echo bench_net_raw_echo)
