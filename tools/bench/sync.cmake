# sync: lock hand-off, semaphore ping-pong and queue throughput, each beside the same pattern on
# Boost.Fiber (mutex, mutex + condition_variable, buffered_channel) in the same run; medians of
# several alternating runs after a warm-up.
add_executable(bench_sync_primitives ${CMAKE_CURRENT_LIST_DIR}/sync_primitives.cpp)
target_link_libraries(bench_sync_primitives PRIVATE copas::sync Boost::fiber)
