# copas::ftp benchmark: a 100 MiB download from pyftpdlib on loopback, copas::ftp::get against the
# curl command line on the same server in the same run. Needs python3-pyftpdlib and curl.
set(COPAS_FTP_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with pyftpdlib, for the ftp tests")
add_executable(bench_ftp_download ${CMAKE_CURRENT_LIST_DIR}/ftp_download.cpp)
target_link_libraries(bench_ftp_download PRIVATE copas::ftp)
target_include_directories(bench_ftp_download PRIVATE ${PROJECT_SOURCE_DIR}/tests/ftp)
target_compile_definitions(bench_ftp_download PRIVATE
  COPAS_FTP_PYTHON="${COPAS_FTP_PYTHON}"
  COPAS_FTP_SERVER_SCRIPT="${PROJECT_SOURCE_DIR}/tests/ftp/ftp_server.py")
# copas-fetch's ftp:// is timed as a command line too (tools/fetch is added before bench).
target_compile_definitions(bench_ftp_download PRIVATE COPAS_FETCH_BIN="$<TARGET_FILE:copas-fetch>")
add_dependencies(bench_ftp_download copas-fetch)
