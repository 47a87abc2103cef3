# copas::async benchmarks: task round trip and throughput, beside a std::thread + condition
# variable hand-off measured in the same run.
add_executable(bench_async_roundtrip ${CMAKE_CURRENT_LIST_DIR}/async_roundtrip.cpp)
target_link_libraries(bench_async_roundtrip PRIVATE copas::async)
