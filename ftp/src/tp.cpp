#include "tp.hpp"

#include <copas/ftp/errors.hpp>

#include <cctype>
#include <string>

namespace copas::ftp::detail {

copas::error ftp_error(ftp::errc e, std::string text) { return {make_error_code(e), std::move(text)}; }
copas::error rejected(std::string text) { return ftp_error(errc::rejected, std::move(text)); }
copas::error rejected(const reply& r) { return rejected(r.text); }

result<transport> transport::connect(std::string_view host, std::uint16_t port, double timeout,
                                     const create_function& create) {
  copas::socket s = create ? create() : copas::wrap(copas::tcp());
  s.settimeout(timeout);
  if (auto ok = s.connect(host, port); !ok) {
    s.close();
    return ok.error();
  }
  return transport(std::move(s));
}

result<void> transport::command(std::string_view cmd, std::optional<std::string_view> argument) {
  std::string line;
  line.reserve(cmd.size() + (argument ? argument->size() + 1 : 0) + 2);
  for (char c : cmd) line.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (argument) {
    if (argument->find_first_of("\r\n") != std::string_view::npos)
      return copas::error(copas::errc::invalid_argument,
                          "invalid argument: CR or LF in FTP command argument");
    line.push_back(' ');
    line.append(*argument);
  }
  if (line.find_first_of("\r\n") != std::string::npos)
    return copas::error(copas::errc::invalid_argument, "invalid argument: CR or LF in FTP command");
  line.append("\r\n");
  auto sent = sock_.send(line);
  if (!sent) return sent.error();
  return {};
}

result<reply> transport::receive() {
  for (;;) {
    if (auto r = reader_.next()) return std::move(*r);
    auto got = sock_.receivepartial(4096);
    if (got) {
      reader_.append(*got);
      continue;
    }
    // receivepartial hands back fresh bytes with a "timeout"-coded error; only an empty partial
    // is a real failure (deadline passed, peer closed).
    reader_.append(got.partial());
    if (!got.partial().empty() && got.error() == copas::errc::timeout) continue;
    if (auto r = reader_.next()) return std::move(*r);
    return got.error();
  }
}

result<reply> transport::check(const reply_check& ok) {
  auto r = receive();
  if (!r) return r;
  if (!ok.matches(*r)) return rejected(*r);
  return r;
}

}  // namespace copas::ftp::detail
