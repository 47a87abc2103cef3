#include "proxy.hpp"

#include <copas/core.hpp>

#include <memory>

namespace copas::proxy {

namespace {

// One direction; returns when `from` ends or `to` fails.
void pump(socket from, socket to) {
  for (;;) {
    auto r = from.receivepartial(64 * 1024);
    const std::string& data = r ? *r : r.partial();
    if (!data.empty() && !to.send(data)) return;
    if (!r && !(r.error() == errc::timeout && !data.empty())) return;
  }
}

}  // namespace

void relay(socket a, socket b, const settings& s, std::string first) {
  a.settimeout(s.idle_timeout);
  b.settimeout(s.idle_timeout);
  if (!first.empty() && !b.send(first)) {
    b.close();
    return;
  }
  auto other = addthread([a, b]() mutable {
    pump(b, a);
    a.close();  // wakes the first direction if it still waits
    b.close();
  });
  pump(a, b);
  a.close();
  b.close();
  (void)other;
}

void relay_to(socket client, const std::string& host, std::uint16_t port, const settings& s) {
  auto up = wrap(tcp());
  up.settimeout(s.idle_timeout);
  if (!up.connect(host, port)) {
    client.close();
    return;
  }
  up.setoption("tcp-nodelay", true);
  client.setoption("tcp-nodelay", true);
  relay(std::move(client), std::move(up), s);
}

}  // namespace copas::proxy
