// pump.step and pump.all, after LuaSocket 3.1.0's ltn12.lua.
#include <copas/net/ltn12/pump.hpp>

#include <stdexcept>

namespace copas::ltn12::pump {

result<bool> step(const source& src, const sink& snk) {
  auto c = src();
  std::optional<copas::error> src_err;
  chunk data;
  if (c) {
    data = std::move(*c);
  } else {
    src_err = c.error();
  }
  const bool delivered = data.has_value();
  auto r = snk(std::move(data), src_err);
  if (delivered && r) return true;
  if (src_err) return *src_err;
  if (!r) return r.error();
  return false;
}

result<void> all(const source& src, const sink& snk, const step_function& step_fn) {
  if (!src || !snk) throw std::invalid_argument("pump::all needs a source and a sink");
  const step_function& run = step_fn ? step_fn : step_function(step);
  while (true) {
    auto r = run(src, snk);
    if (!r) return r.error();
    if (!*r) return {};
  }
}

}  // namespace copas::ltn12::pump
