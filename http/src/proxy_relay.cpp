// relay(), tunnel() and relay_to(): byte relays with half-close and a two-way idle deadline.
#include <copas/core.hpp>
#include <copas/http/proxy.hpp>

#include <optional>

namespace copas::http::proxy {

namespace {

// Shared by the two directions of one relay.
struct relay_state {
  socket a, b;
  double idle;
  double last = gettime();  // the last byte moved, either way
  int running = 2;
  std::optional<thread> waiter;  // the fiber in relay(), woken when the other direction ends
};

// Moves `from` -> `to` until `from` ends (then passes its FIN on: half-close). A read waits only
// as long as the relay as a whole may stay idle: when it times out, the other direction may
// have moved bytes meanwhile and the wait starts again from that. False on any failure.
// The bytes go out straight from `from`'s receive buffer (no copy, no string per chunk): only
// this fiber reads `from`, and a send leaves that buffer in place (socket::buffered_or_fill).
bool pump(socket from, socket to, relay_state& st) {
  for (;;) {
    double wait = st.last + st.idle - gettime();
    if (wait <= 0) return false;
    from.settimeouts(std::nullopt, st.idle, wait);
    auto got = from.buffered_or_fill();
    if (got) {
      st.last = gettime();
      bool sent = static_cast<bool>(to.send(*got));
      from.consume(got->size());
      if (!sent) return false;
      continue;
    }
    if (got.error() == errc::timeout) continue;
    if (got.error() == errc::closed) {
      to.shutdown("send");
      return true;
    }
    return false;
  }
}

void end_direction(relay_state& st, bool ok) {
  if (!ok || --st.running == 0) {
    st.running = 0;
    st.a.close();  // wakes the other direction, if it still waits
    st.b.close();
  }
}

}  // namespace

void relay(socket a, socket b, double idle_timeout, std::string a_to_b) {
  auto st =
      std::make_shared<relay_state>(relay_state{a, b, idle_timeout > 0 ? idle_timeout : forever});
  if (!a_to_b.empty() && !b.send(a_to_b)) {
    end_direction(*st, false);
    return;
  }
  addthread([st] {
    end_direction(*st, pump(st->b, st->a, *st));
    if (st->waiter) wakeup(*st->waiter);
  });
  end_direction(*st, pump(a, b, *st));
  st->waiter = running_thread();
  while (st->running > 0) pauseforever();
  st->waiter.reset();
}

void relay_to(socket client, const address& to, const options& o) {
  auto up = wrap(tcp());
  up.settimeouts(o.connect_timeout, o.idle_timeout, o.idle_timeout);
  if (!up.connect(to.host, to.port)) {
    client.close();
    return;
  }
  up.setoption("tcp-nodelay", true);
  client.setoption("tcp-nodelay", true);
  relay(std::move(client), std::move(up), o.idle_timeout);
}

void tunnel(exchange& ex, const options& o) {
  const auto& target = ex.target();  // host:port, checked by the strict parser
  auto colon = target.rfind(':');
  std::string host = target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto digits = target.substr(colon + 1);  // digits only, checked by the strict parser
  unsigned port = 0;
  for (char c : digits) port = port * 10 + static_cast<unsigned>(c - '0');
  if (digits.size() > 5 || port == 0 || port > 65535) {
    ex.respond(400, {{"Connection", "close"}}, "CONNECT needs a port in 1..65535\n");
    return;
  }
  auto up = wrap(tcp());
  up.settimeouts(o.connect_timeout, o.idle_timeout, o.idle_timeout);
  if (auto ok = up.connect(host, static_cast<std::uint16_t>(port)); !ok) {
    ex.respond(ok.error() == errc::timeout ? 504 : 502, {{"Connection", "close"}},
               "cannot connect to " + target + ": " + ok.error().message() + "\n");
    return;
  }
  up.setoption("tcp-nodelay", true);
  auto first = ex.take_buffered();
  auto client = ex.detach();
  if (!client.send("HTTP/1.1 200 Connection Established\r\n\r\n")) {
    up.close();
    return;
  }
  relay(std::move(client), std::move(up), o.idle_timeout, std::move(first));
}

}  // namespace copas::http::proxy
