// Preparing the data connection: EPSV / PASV (passive, we connect) and PORT / EPRT (active, the
// server connects to us), then opening it when the transfer starts.
#include "ftp_error.hpp"
#include "passive.hpp"
#include "session_state.hpp"

#include <copas/ftp/errors.hpp>
#include <copas/net/server.hpp>

#include <string>

namespace copas::ftp {

using detail::ftp_error;

namespace {
bool is_ipv6(const endpoint& e) {
  return e.family == "inet6" || e.ip.find(':') != std::string::npos;
}
}  // namespace

result<endpoint> session::epsv() {
  s_->ph = phase::data_channel;
  if (auto ok = s_->tp.command("epsv", std::nullopt); !ok) return ok.error();
  auto r = s_->tp.check(229);
  if (!r) return r.error();
  auto port = detail::parse_epsv(r->text);
  if (!port) return ftp_error(errc::invalid_epsv, "invalid epsv response");
  // EPSV names no host: the data connection goes where the control connection goes.
  auto peer = s_->tp.getcontrol().getpeername();
  if (!peer) return peer.error();
  s_->drop_data_channel();
  s_->pasvt = endpoint{peer->ip, *port, peer->family};
  return *s_->pasvt;
}

result<endpoint> session::pasv() {
  s_->ph = phase::data_channel;
  if (auto ok = s_->tp.command("pasv", std::nullopt); !ok) return ok.error();
  auto r = s_->tp.check("2..");
  if (!r) return r.error();
  auto addr = detail::parse_pasv(r->text);
  if (!addr) return tp::unexpected(std::move(r->text));
  auto peer = s_->tp.getcontrol().getpeername();
  if (!peer) return peer.error();
  // A private or unspecified address in the reply is the server's view of itself behind NAT:
  // connect to the host we already reach instead (curl does the same by default).
  std::string ip = detail::is_public_ipv4(addr->ip) ? addr->ip : peer->ip;
  s_->drop_data_channel();
  s_->pasvt = endpoint{ip, addr->port, "inet"};
  return *s_->pasvt;
}

result<endpoint> session::passive() {
  auto e = epsv();
  if (e || e.error().code() != tp::errc::unexpected_reply) return e;
  // Only a refusal falls back: an invalid 229 or a socket error is a real failure.
  auto peer = s_->tp.getcontrol().getpeername();
  if (!peer || is_ipv6(*peer)) return e;
  return pasv();
}

result<void> session::port(std::optional<std::string_view> address, std::uint16_t listen_port) {
  s_->ph = phase::data_channel;
  auto local = s_->tp.getcontrol().getsockname();
  if (!local) return local.error();
  std::string ip = address ? std::string(*address) : local->ip;
  if (ip.find(':') != std::string::npos)
    return copas::error(copas::errc::invalid_argument, "PORT takes IPv4 addresses only; use EPRT");
  auto server = copas::bind(ip, listen_port, 1);
  if (!server) return server.error();
  auto bound = server->getsockname();
  if (!bound) return bound.error();
  std::string arg = ip;
  for (auto& c : arg)
    if (c == '.') c = ',';
  arg += "," + std::to_string(bound->port / 256) + "," + std::to_string(bound->port % 256);
  s_->drop_data_channel();
  s_->server = std::move(*server);
  return s_->simple("port", arg, "2..");
}

result<void> session::eprt(std::optional<std::string_view> address, std::uint16_t listen_port) {
  s_->ph = phase::data_channel;
  auto local = s_->tp.getcontrol().getsockname();
  if (!local) return local.error();
  std::string ip = address ? std::string(*address) : local->ip;
  auto server = copas::bind(ip, listen_port, 1);
  if (!server) return server.error();
  auto bound = server->getsockname();
  if (!bound) return bound.error();
  const char* family = ip.find(':') != std::string::npos ? "2" : "1";
  std::string arg = std::string("|") + family + "|" + ip + "|" + std::to_string(bound->port) + "|";
  s_->drop_data_channel();
  s_->server = std::move(*server);
  return s_->simple("eprt", arg, "2..");
}

result<void> session::active() {
  auto local = s_->tp.getcontrol().getsockname();
  if (!local) return local.error();
  return is_ipv6(*local) ? eprt() : port();
}

result<void> session::state::connect_data() {
  ph = phase::data_channel;
  data = copas::wrap(copas::tcp());
  data.settimeout(timeout);
  auto ok = data.connect(pasvt->ip, pasvt->port);
  if (ok) return {};
  data.close();
  data = {};
  if (ok.error() == copas::errc::timeout || ok.error() == copas::errc::in_progress)
    return copas::error(copas::errc::timeout, "timeout: no data connection to " + pasvt->ip + ":" +
                                                  std::to_string(pasvt->port) + " (passive mode)");
  return ok.error();
}

result<void> session::state::accept_data() {
  ph = phase::data_channel;
  auto c = server.accept(deadline_after(timeout));
  server.close();
  server = {};
  if (!c) {
    if (c.error() == copas::errc::timeout)
      return copas::error(copas::errc::timeout,
                          "timeout: the server did not open the data connection (active mode)");
    return c.error();
  }
  data = std::move(*c);
  data.settimeout(timeout);
  return {};
}

}  // namespace copas::ftp
