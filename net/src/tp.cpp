// LuaSocket's tp.lua: commands out, numbered replies in, on a fiber socket.
#include <copas/net/ascii.hpp>
#include <copas/net/tp.hpp>

#include <cctype>

namespace copas::tp {

namespace {

bool has_line_break(std::string_view s) noexcept {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace

result<connection> connection::connect(std::string_view host, std::uint16_t port, double timeout,
                                       const create_function& create, limits l) {
  socket s = wrap(create ? create() : tcp());
  s.settimeout(timeout);
  if (auto ok = s.connect(host, port); !ok) {
    s.close();
    return ok.error();
  }
  // Commands and replies alternate: Nagle's algorithm would only hold the last small write of
  // a message (or a command after one) until the peer's delayed ACK, 40 ms a time.
  (void)s.setoption("tcp-nodelay", true);
  return connection(std::move(s), l);
}

result<void> connection::command(std::string_view cmd, std::optional<std::string_view> arg) {
  if (has_line_break(cmd) || (arg && has_line_break(*arg)))
    return error(copas::errc::invalid_argument, "invalid command: contains a line break");
  std::string line = ascii::upper(cmd);
  if (arg) {
    line += ' ';
    line += *arg;
  }
  line += "\r\n";
  return send(line);
}

result<reply> connection::receive_reply() {
  for (;;) {
    if (auto r = reader_.next()) return std::move(*r);
    // At least one new byte, read in place; all of the socket's buffer moves into the reply
    // reader, so has_buffered_input() sees everything the server sent.
    auto got = control_.buffered_or_fill(true);
    if (!got) return got.error();
    reader_.append(*got);
    control_.consume(got->size());
  }
}

result<reply> connection::check(const reply_check& ok) {
  auto r = receive_reply();
  if (!r) return r;
  if (ok.matches(*r)) return r;
  return unexpected(std::move(r->text));
}

result<void> connection::send(std::string_view data) {
  if (data.empty()) return {};
  auto sent = control_.send(data);
  if (!sent) return sent.error();
  return {};
}

result<void> connection::sink(const ltn12::sink& snk, receive_pattern pattern) {
  auto got = control_.receive(pattern, reader_.take_rest());
  std::optional<copas::error> err;
  // Copas's receive(all) reports the peer's close as "closed" with the data: that is the end.
  if (!got && !(pattern.type() == receive_pattern::kind::all && got.error() == copas::errc::closed))
    err = got.error();
  if (!got.value_or_partial().empty())
    if (auto ok = snk(got.value_or_partial(), std::nullopt); !ok) return ok;
  return snk(std::nullopt, err);
}

result<void> connection::source(const ltn12::source& src, const ltn12::pump::step_function& step) {
  // Sources hand out 2 KiB chunks; gathering them into larger writes saves system calls (and
  // TLS records) without holding more than one write's worth of the message in memory.
  constexpr std::size_t write_size = 64 * 1024;
  std::string pending;
  ltn12::sink into_control = [&](ltn12::chunk c,
                                 const std::optional<copas::error>&) -> result<void> {
    if (c) pending += *c;
    if (pending.size() < write_size && c) return {};
    auto sent = send(pending);  // keep-open: the end of the data is not the end of the connection
    pending.clear();
    return sent;
  };
  return ltn12::pump::all(src, into_control, step);
}

}  // namespace copas::tp
