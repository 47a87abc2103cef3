#include <copas/ftp/errors.hpp>

#include <string>

namespace copas::ftp {

namespace {
class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "copas.ftp"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_epsv: return "invalid epsv response";
      case errc::need_port_or_pasv: return "need port or pasv first";
      case errc::missing_hostname: return "missing hostname";
      case errc::missing_command: return "missing command";
      case errc::wrong_scheme: return "wrong scheme";
      case errc::invalid_type: return "invalid type";
      case errc::invalid_port: return "invalid port";
    }
    return "unknown ftp error";
  }
};
}  // namespace

const std::error_category& ftp_category() noexcept {
  static const category c;
  return c;
}

}  // namespace copas::ftp
