# smtp benchmark: messages/s of copas::smtp::send against Python's smtplib, same server, same run.
# Needs python3-aiosmtpd (scripts/debian-packages-smtp.txt); the server is tests/smtp's script.
set(COPAS_SMTP_BENCH_PYTHON3 /usr/bin/python3 CACHE FILEPATH "A python3 with Debian's aiosmtpd")
add_executable(bench_smtp_throughput ${CMAKE_CURRENT_LIST_DIR}/smtp_throughput.cpp
  ${PROJECT_SOURCE_DIR}/tests/smtp/aiosmtpd.cpp ${PROJECT_SOURCE_DIR}/tests/support/temp_dir.cpp)
target_include_directories(bench_smtp_throughput PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(bench_smtp_throughput PRIVATE copas::smtp)
target_compile_definitions(bench_smtp_throughput PRIVATE
  COPAS_PYTHON3="${COPAS_SMTP_BENCH_PYTHON3}"
  COPAS_SMTP_SERVER_SCRIPT="${PROJECT_SOURCE_DIR}/tests/smtp/smtp_server.py"
  COPAS_SMTPLIB_SCRIPT="${CMAKE_CURRENT_LIST_DIR}/smtp_smtplib.py")
