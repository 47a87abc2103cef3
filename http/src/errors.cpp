#include <copas/http/errors.hpp>

#include <string>

namespace copas::http {

namespace {
class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "copas.http"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::too_many_redirects: return "too many redirects";
      case errc::insecure_redirect: return "Unallowed insecure redirect https to http";
      case errc::unknown_scheme: return "unknown scheme";
    }
    return "unknown http error";
  }
};
}  // namespace

const std::error_category& http_category() noexcept {
  static const category c;
  return c;
}

}  // namespace copas::http
