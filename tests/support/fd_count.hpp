#pragma once
// Counting this process's open file descriptors, to prove a test leaves none behind.
#include <cstddef>

namespace copas::test {
std::size_t open_fd_count();
}
