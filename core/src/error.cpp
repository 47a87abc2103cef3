#include <copas/core/error.hpp>

namespace copas {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "copas"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::timeout: return "timeout";
      case errc::closed: return "closed";
      case errc::destroyed: return "destroyed";
      case errc::too_many: return "too many";
      case errc::cancelled: return "cancelled";
      case errc::not_armed: return "not armed";
      case errc::already_armed: return "already armed";
      case errc::stopping: return "stopping";
      case errc::not_sleeping: return "not sleeping";
      case errc::not_owner: return "cannot release a lock not owned";
      case errc::in_progress: return "Operation already in progress";
      case errc::refused: return "connection refused";
      case errc::host_not_found: return "host not found";
      case errc::address_in_use: return "address already in use";
      case errc::handshake_failed: return "TLS/SSL handshake failed";
      case errc::protocol_error: return "protocol error";
      case errc::invalid_argument: return "invalid argument";
      case errc::local_certificate: return "local certificate or key cannot be loaded";
      case errc::certificate_rejected: return "the peer rejected or required a certificate";
      case errc::try_again: return "temporary failure in name resolution";
    }
    return "unknown copas error";
  }
};

}  // namespace

const std::error_category& copas_category() noexcept {
  static const category c;
  return c;
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw system_error(e);
}

}  // namespace copas
