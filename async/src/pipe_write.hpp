#pragma once
// write(2) into a pipe without a SIGPIPE reaching the process.

#include <sys/types.h>

#include <cstddef>

namespace copas::async::detail {

// As ::write(fd, data, size), but a write into a pipe whose reader is gone fails with EPIPE only:
// SIGPIPE is blocked in the calling thread around the write, and the one that write raised (if
// it was not pending already) is consumed. The process's disposition is never touched: it belongs
// to the application, and the children we spawn inherit it.
ssize_t write_without_sigpipe(int fd, const void* data, std::size_t size);

}  // namespace copas::async::detail
