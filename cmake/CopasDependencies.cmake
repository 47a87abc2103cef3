# Every dependency comes from Debian 12 packages and is found through its own
# CMake config (Boost, OpenSSL's FindOpenSSL) or its own pkg-config file (libevent).
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS fiber context system url stacktrace_backtrace)
find_package(OpenSSL 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBEVENT REQUIRED IMPORTED_TARGET libevent_core>=2.1 libevent_extra>=2.1)
