#include <copas/async/errors.hpp>

#include <string>

namespace copas::async {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "copas.async"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::task_failed: return "task failed";
      case errc::not_readable: return "Pipe not open for reading";
      case errc::not_writable: return "Pipe not open for writing";
      case errc::not_available: return "Not available.";
      case errc::spawn_failed: return "spawn failed";
      case errc::oversized: return "oversized";
    }
    return "unknown copas.async error";
  }
};

}  // namespace

const std::error_category& async_category() noexcept {
  static const category c;
  return c;
}

}  // namespace copas::async
