// Name resolution on the dispatcher with libevent's evdns: the fiber parks while the query is in
// flight, every other fiber runs. evdns alone can wait very long when every nameserver is silent,
// so each lookup has its own deadline.
#include "address.hpp"

#include <copas/core/dispatcher.hpp>
#include <copas/core/wait.hpp>
#include <copas/net/dns.hpp>

#include <event2/dns.h>
#include <event2/util.h>
#include <netinet/in.h>

#include <algorithm>
#include <memory>
#include <string>

namespace copas::dns {

namespace {

struct resolver {
  event_base* base = nullptr;
  evdns_base* dns = nullptr;
  std::vector<std::string> servers;
  double timeout = 5;
  ~resolver() {
    if (dns) evdns_base_free(dns, 1);
  }
};

resolver& state() {
  thread_local resolver r;
  return r;
}

evdns_base* ready_base() {
  auto& r = state();
  auto* base = dispatcher::current().base();
  if (r.dns && r.base == base) return r.dns;
  if (r.dns) evdns_base_free(r.dns, 1);
  r.base = base;
  if (r.servers.empty()) {
    r.dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_DISABLE_WHEN_INACTIVE);
  } else {
    r.dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
    for (auto& s : r.servers) evdns_base_nameserver_ip_add(r.dns, s.c_str());
    evdns_base_load_hosts(r.dns, nullptr);
  }
  // One try per server within our deadline; evdns's own retries would outlast it.
  evdns_base_set_option(r.dns, "attempts:", "2");
  return r.dns;
}

struct lookup {
  waker w;
  bool done = false;
  int err = 0;
  std::vector<std::string> v4, v6;
};

void on_answer(int err, evutil_addrinfo* res, void* arg) {
  std::unique_ptr<std::shared_ptr<lookup>> holder(static_cast<std::shared_ptr<lookup>*>(arg));
  auto& lk = **holder;
  lk.done = true;
  lk.err = err;
  for (auto* ai = res; ai; ai = ai->ai_next) {
    auto ep = detail::to_endpoint(ai->ai_addr);
    auto& list = ai->ai_family == AF_INET6 ? lk.v6 : lk.v4;
    if (std::find(list.begin(), list.end(), ep.ip) == list.end()) list.push_back(ep.ip);
  }
  if (res) evutil_freeaddrinfo(res);
  lk.w.wake();
}

}  // namespace

void set_nameservers(const std::vector<std::string>& servers) {
  auto& r = state();
  r.servers = servers;
  if (r.dns) evdns_base_free(r.dns, 1);
  r.dns = nullptr;
}

void set_timeout(double seconds) {
  state().timeout = seconds;
}

result<std::vector<std::string>> resolve(std::string_view host) {
  std::string h(host);
  if (detail::numeric_address(h, 0)) return std::vector<std::string>{h};
  if (h == "localhost") return std::vector<std::string>{"127.0.0.1", "::1"};
  if (h.empty() || h == "*") return error(errc::host_not_found, "host not found: " + h);
  auto* dns = ready_base();
  // evdns's own give-up must come after ours, so that the deadline is exactly the one set.
  evdns_base_set_option(dns, "timeout:", std::to_string(state().timeout).c_str());
  auto lk = std::make_shared<lookup>();
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  auto deadline = deadline_after(state().timeout);
  auto* req = evdns_getaddrinfo(dns, h.c_str(), nullptr, &hints, on_answer,
                                new std::shared_ptr<lookup>(lk));
  struct cancel_pending {
    std::shared_ptr<lookup>& lk;
    evdns_getaddrinfo_request* req;
    ~cancel_pending() {
      if (lk->done || !req) return;
      // The answer (or the cancellation) may come after this fiber is gone: nobody to wake.
      lk->w = waker{};
      evdns_getaddrinfo_cancel(req);
    }
  } guard{lk, req};
  while (!lk->done) {
    lk->w = this_thread::get_waker();
    // Never early: the core's deadline timer can fire a little before the deadline (reported).
    if (this_thread::park(wait_kind::read, deadline) == wake_reason::timeout && !lk->done &&
        clock::now() >= deadline)
      return error(errc::host_not_found, "temporary failure in name resolution: " + h);
  }
  if (lk->err == 0 && (!lk->v4.empty() || !lk->v6.empty())) {
    auto out = std::move(lk->v4);
    out.insert(out.end(), lk->v6.begin(), lk->v6.end());
    return out;
  }
  if (lk->err == 0 || lk->err == EVUTIL_EAI_NONAME || lk->err == EVUTIL_EAI_NODATA)
    return error(errc::host_not_found, "host not found: " + h);
  return error(errc::host_not_found, "temporary failure in name resolution: " + h);
}

}  // namespace copas::dns
