#include "arguments.hpp"

#include <copas/sync/affinity.hpp>

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace copas::detail {

std::string lua_number(double x) {
  char buf[64];
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(x));
  } else {
    std::snprintf(buf, sizeof buf, "%.14g", x);
  }
  return buf;
}

double checked_timeout(double t, const char* message_prefix) {
  if (!(t >= 0)) throw std::invalid_argument(message_prefix + lua_number(t));
  return t;
}

double call_timeout(std::optional<double> t, double fallback) {
  if (!t) return fallback;
  return checked_timeout(*t, "timout value must be greater than or equal to 0, got: ");
}

clock::time_point deadline_from(clock::time_point from, double t) noexcept {
  if (t >= to_seconds(clock::time_point::max() - from)) return clock::time_point::max();
  return from + std::chrono::duration_cast<clock::duration>(seconds(t));
}

void affinity::refuse(const char* what) {
  throw wrong_dispatcher(std::string("copas::") + what +
                         " used from a thread other than the one whose dispatcher created it");
}

}  // namespace copas::detail
