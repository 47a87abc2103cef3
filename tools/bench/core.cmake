# Core benchmarks: switch cost, spawn cost, memory per parked fiber, idle CPU.
add_executable(bench_core_switch ${CMAKE_CURRENT_LIST_DIR}/core_switch.cpp)
target_link_libraries(bench_core_switch PRIVATE copas::core benchmark::benchmark)
add_executable(bench_core_footprint ${CMAKE_CURRENT_LIST_DIR}/core_footprint.cpp)
target_link_libraries(bench_core_footprint PRIVATE copas::core)
