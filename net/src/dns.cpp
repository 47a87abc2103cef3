// Name resolution on the dispatcher with libevent's evdns: the fiber parks while the query is in
// flight, every other fiber runs. evdns alone can wait very long when every nameserver is silent,
// so each lookup has its own deadline.
//
// Lifetimes are the whole difficulty. evdns calls back once per evdns_getaddrinfo, always: with
// the answer, or with EVUTIL_EAI_CANCEL after evdns_getaddrinfo_cancel, and that callback is
// deferred to a later turn of the event loop. By then the fiber that asked may be gone (it gave
// up, or was removed), so the callback touches only a lookup record that it co-owns, never the
// fiber; and libevent 2.1 reads the evdns_base inside every such callback (the cancelled ones
// too), so an evdns_base is freed only once it owes no callback.
#include "address.hpp"
#include "dns_interrupt.hpp"

#include <copas/core/dispatcher.hpp>
#include <copas/core/sibling/event_base.hpp>
#include <copas/core/wait.hpp>
#include <copas/net/dns.hpp>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

namespace copas::dns {

namespace {

// What set_nameservers / set_timeout chose for this thread; `version` moves on every change of
// servers, so that the resolver knows its evdns_base is out of date.
struct settings {
  std::vector<std::string> servers;
  double timeout = 5;
  std::uint64_t version = 0;
};

settings& config() {
  thread_local settings s;
  return s;
}

struct client;

// One evdns_getaddrinfo, shared by the fiber waiting for it and by the evdns_base that owes its
// callback (client::owed), whichever lets go last.
struct lookup {
  client* issuer = nullptr;
  evdns_getaddrinfo_request* req = nullptr;  // null once answered, cancelled or orphaned
  waker w;                                   // set only while the fiber is parked on it
  bool answered = false;                     // the callback came
  int err = 0;
  std::vector<std::string> v4, v6;
};

// One evdns_base (one nameserver configuration) and the lookups whose callbacks it still owes.
struct client {
  evdns_base* dns = nullptr;
  std::uint64_t version = 0;
  double timeout = 0;  // evdns's own give-up, set to the lookup deadline
  std::vector<std::shared_ptr<lookup>> owed;

  client(const client&) = delete;
  client& operator=(const client&) = delete;
  client(event_base* base, const settings& s) : version(s.version) {
    if (s.servers.empty()) {
      dns = evdns_base_new(base,
                           EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_DISABLE_WHEN_INACTIVE);
    } else {
      dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
      for (auto& ns : s.servers) evdns_base_nameserver_ip_add(dns, ns.c_str());
      evdns_base_load_hosts(dns, nullptr);
    }
    // One retry at most: evdns's own retries would outlast the lookup deadline.
    evdns_base_set_option(dns, "attempts:", "2");
  }
  ~client() {
    if (dns) evdns_base_free(dns, 0);  // only ever with nothing owed: no callback to fail
  }

  void forget(const lookup* lk) {
    auto it = std::find_if(owed.begin(), owed.end(), [&](auto& p) { return p.get() == lk; });
    if (it == owed.end()) return;
    std::swap(*it, owed.back());
    owed.pop_back();
  }
};

// Asks evdns to drop a lookup; its callback still comes (with EVUTIL_EAI_CANCEL), later.
void cancel(lookup& lk) {
  if (!lk.req) return;
  auto* req = std::exchange(lk.req, nullptr);
  evdns_getaddrinfo_cancel(req);
}

// This thread's evdns_bases. Made after the dispatcher (so destroyed before it, while its
// event_base still exists), on the first lookup.
struct resolver {
  event_base* base;
  std::unique_ptr<client> current;
  std::vector<std::unique_ptr<client>> retired;  // replaced while still owing callbacks

  resolver() : base(copas::detail::sibling_event_base()) { live() = this; }
  resolver(const resolver&) = delete;
  resolver& operator=(const resolver&) = delete;

  // The thread is ending. A lookup still owed a callback here belongs to a fiber that will only
  // be unwound (or was removed just before the loop ended): cancel it, and turn the event loop
  // until evdns has delivered every callback, so that each evdns_base can be freed.
  ~resolver() {
    live() = nullptr;
    drop(std::move(current));
    for (int turn = 0; turn < 100 && !retired.empty(); ++turn) {
      for (auto& c : retired)
        for (auto& lk : std::vector(c->owed)) {
          lk->w = waker{};  // the fiber is not woken any more: the dispatcher unwinds it
          cancel(*lk);
        }
      free_settled();
      if (!retired.empty()) event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
    }
    // Still owed after all that: leak the evdns_base rather than free it under a callback.
    for (auto& c : retired) c->dns = nullptr;
  }

  // This thread's resolver, if it has made one.
  static resolver*& live() {
    thread_local resolver* r = nullptr;
    return r;
  }

  client& ready() {
    free_settled();
    auto& s = config();
    if (!current || current->version != s.version) {
      drop(std::move(current));
      current = std::make_unique<client>(base, s);
    }
    if (current->timeout != s.timeout) {
      // evdns's own give-up must come after ours, so that the deadline is exactly the one set.
      evdns_base_set_option(current->dns, "timeout:", std::to_string(s.timeout).c_str());
      // Nor may evdns give up on the second family (A or AAAA) once the first has answered: it
      // would answer us while still owing itself the cancelled half's callback, which could then
      // outlive the evdns_base. Our deadline cancels both halves, and evdns answers us last.
      evdns_base_set_option(current->dns,
                            "getaddrinfo-allow-skew:", std::to_string(s.timeout + 1).c_str());
      current->timeout = s.timeout;
    }
    return *current;
  }

  // Frees `c` now, or once it owes nothing.
  void drop(std::unique_ptr<client> c) {
    if (c && !c->owed.empty()) retired.push_back(std::move(c));
    free_settled();
  }

  // Frees the retired evdns_bases that owe nothing any more. Never called from an evdns callback.
  void free_settled() {
    std::erase_if(retired, [](auto& c) { return c->owed.empty(); });
  }
};

resolver& state() {
  thread_local resolver r;
  return r;
}

void on_answer(int err, evutil_addrinfo* res, void* arg) {
  auto& lk = *static_cast<lookup*>(arg);
  lk.answered = true;
  lk.req = nullptr;
  lk.err = err;
  for (auto* ai = res; ai; ai = ai->ai_next) {
    auto ep = detail::to_endpoint(ai->ai_addr);
    auto& list = ai->ai_family == AF_INET6 ? lk.v6 : lk.v4;
    if (std::find(list.begin(), list.end(), ep.ip) == list.end()) list.push_back(ep.ip);
  }
  if (res) evutil_freeaddrinfo(res);
  lk.w.wake();
  lk.w = waker{};
  lk.issuer->forget(&lk);  // may free the lookup: last
}

// Parks until the answer, `deadline` (never earlier: the core's timer can fire a little early)
// or, given `in`, its stop flag. Returns false on the deadline or the stop.
bool wait_for(lookup& lk, clock::time_point deadline,
              const detail::lookup_interrupt* in = nullptr) {
  while (!lk.answered) {
    lk.w = this_thread::get_waker();
    if (in) *in->waker_slot = lk.w;
    auto why = this_thread::park(wait_kind::read, deadline);
    lk.w = waker{};
    if (in) *in->waker_slot = waker{};
    if (in && *in->stop && !lk.answered) return false;
    if (why == wake_reason::timeout && !lk.answered && clock::now() >= deadline) return false;
  }
  return true;
}

// While the fiber waits: if it is unwound (removethread, dispatcher shutdown), the lookup is
// cancelled and forgotten by the fiber; evdns keeps the record until its callback.
struct abandon_on_unwind {
  lookup& lk;
  ~abandon_on_unwind() {
    lk.w = waker{};
    if (!lk.answered) cancel(lk);
  }
};

}  // namespace

void set_nameservers(const std::vector<std::string>& servers) {
  auto& s = config();
  s.servers = servers;
  ++s.version;
  // Close the old servers' sockets now (tests count file descriptors), unless lookups still use
  // them.
  if (auto* r = resolver::live()) r->drop(std::move(r->current));
}

void set_timeout(double seconds) { config().timeout = seconds; }

result<std::vector<std::string>> resolve(std::string_view host) {
  return resolve(host, clock::time_point::max());
}

result<std::vector<std::string>> resolve(std::string_view host, clock::time_point deadline) {
  return detail::resolve_interruptible(host, deadline, nullptr);
}

}  // namespace copas::dns

namespace copas::detail {

result<std::vector<std::string>> resolve_interruptible(std::string_view host,
                                                       clock::time_point deadline,
                                                       const lookup_interrupt* in) {
  using namespace copas::dns;
  std::string h(host);
  if (detail::numeric_address(h, 0)) return std::vector<std::string>{h};
  if (h == "localhost") return std::vector<std::string>{"127.0.0.1", "::1"};
  if (h.empty() || h == "*") return error(errc::host_not_found, "host not found: " + h);
  auto own_deadline = deadline_after(config().timeout);
  auto& issuer = state().ready();
  auto lk = std::make_shared<lookup>();
  lk->issuer = &issuer;
  issuer.owed.push_back(lk);
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // May answer at once (/etc/hosts, a local failure), calling on_answer before it returns.
  auto* req = evdns_getaddrinfo(issuer.dns, h.c_str(), nullptr, &hints, on_answer, lk.get());
  if (!lk->answered) lk->req = req;

  abandon_on_unwind guard{*lk};
  if (!wait_for(*lk, std::min(deadline, own_deadline), in)) {
    // Give up, then wait for evdns to confirm (one turn of the loop), so that nothing is left
    // owing when this fiber ends.
    cancel(*lk);
    wait_for(*lk, clock::now() + std::chrono::seconds(1));
    if (in && *in->stop) return errc::closed;
    if (deadline < own_deadline) return error(errc::timeout, "timeout resolving " + h);
    return error(errc::try_again, "temporary failure in name resolution: " + h);
  }
  if (lk->err == 0 && (!lk->v4.empty() || !lk->v6.empty())) {
    auto out = std::move(lk->v4);
    out.insert(out.end(), lk->v6.begin(), lk->v6.end());
    return out;
  }
  if (lk->err == 0 || lk->err == EVUTIL_EAI_NONAME || lk->err == EVUTIL_EAI_NODATA)
    return error(errc::host_not_found, "host not found: " + h);
  // EVUTIL_EAI_AGAIN, and EVUTIL_EAI_FAIL: evdns's word for SERVFAIL, REFUSED and its own
  // timeouts, which glibc reports as EAI_AGAIN. A later try may succeed: not host_not_found.
  return error(errc::try_again, "temporary failure in name resolution: " + h);
}

}  // namespace copas::detail
