#pragma once
// Name resolution that blocks only the calling fiber: libevent's evdns on the dispatcher,
// honouring /etc/hosts and /etc/resolv.conf. connect() and setpeername() use it.
//
//   copas::dns::set_nameservers({"127.0.0.1:5353"});   // tests: a fake server on loopback
//   auto addrs = copas::dns::resolve("example.org");   // result<std::vector<std::string>>
//
// Errors name the host:
//   "host not found: <host>" (errc::host_not_found)  NXDOMAIN, or a name without addresses
//   "temporary failure in name resolution: <host>"   (errc::try_again, EAI_AGAIN) no answer within
//                                                    the lookup's own deadline (set_timeout), a
//                                                    failing server (SERVFAIL, REFUSED)
//   "timeout resolving <host>" (errc::timeout)       the caller's deadline came first
// A lookup that gives up (either deadline, or its fiber removed) is cancelled in evdns.

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::dns {

// Replaces the system's nameservers ("ip" or "ip:port") for this thread; an empty list goes back
// to /etc/resolv.conf. /etc/hosts is always consulted first. Lookups already in flight finish
// against the servers they were sent to.
void set_nameservers(const std::vector<std::string>& servers);

// The deadline of one lookup, in seconds (default 5): evdns alone can wait much longer when every
// nameserver is silent.
void set_timeout(double seconds);

// Numeric addresses of `host` (IPv4 first, then IPv6). Numeric hosts and "localhost" return at
// once, without a query.
result<std::vector<std::string>> resolve(std::string_view host);

// As above, but also gives up at `deadline` (a socket's connect timeout) if that comes before the
// lookup's own deadline.
result<std::vector<std::string>> resolve(std::string_view host, clock::time_point deadline);

}  // namespace copas::dns

#include <copas/core/api_suffix.hpp>
