#pragma once
// Waiting for the server's data connection in active mode.

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>
#include <copas/net/socket.hpp>

namespace copas::ftp::detail {

// Accepts one connection on `listener`, parking the fiber until one comes or `deadline` passes
// ("timeout").
result<copas::socket> accept_until(copas::socket& listener, clock::time_point deadline);

}  // namespace copas::ftp::detail
