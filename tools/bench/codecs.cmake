# codecs: Base64 encode/decode throughput of copas::mime on 16 MiB, beside OpenSSL's
# EVP_EncodeBlock/EVP_DecodeBlock measured in the same run.
add_executable(bench_codecs_b64 ${CMAKE_CURRENT_LIST_DIR}/codecs_bench.cpp)
target_link_libraries(bench_codecs_b64 PRIVATE copas::net OpenSSL::Crypto)
