#include "dispatcher_impl.hpp"

#include <copas/core/debug.hpp>

#include <cstdio>

namespace copas::debug {

void start(logger log, bool /*core*/) {
  auto& d = detail::current_impl();
  if (log) {
    d.logger = std::move(log);
  } else {
    d.logger = [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    };
  }
}

void stop() { detail::current_impl().logger = nullptr; }

}  // namespace copas::debug
