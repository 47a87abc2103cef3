#pragma once
// Name resolution that blocks only the calling fiber: libevent's evdns on the dispatcher,
// honouring /etc/hosts and /etc/resolv.conf. connect() and setpeername() use it.
//
//   copas::dns::set_nameservers({"127.0.0.1:5353"});   // tests: a fake server on loopback
//   auto addrs = copas::dns::resolve("example.org");   // result<std::vector<std::string>>
//
// Errors name the host: "host not found: <host>" (NXDOMAIN, no address) and
// "temporary failure in name resolution: <host>" (no answer before the deadline, server failure).

#include <copas/core/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace copas::dns {

// Replaces the system's nameservers ("ip" or "ip:port") for this thread's dispatcher; an empty
// list goes back to /etc/resolv.conf. /etc/hosts is always consulted first.
void set_nameservers(const std::vector<std::string>& servers);

// The deadline of one lookup, in seconds (default 5): evdns alone can wait much longer when every
// nameserver is silent.
void set_timeout(double seconds);

// Numeric addresses of `host` (IPv4 first, then IPv6). Numeric hosts return at once.
result<std::vector<std::string>> resolve(std::string_view host);

}  // namespace copas::dns
