#pragma once
// A DNS server for resolver tests: on 127.0.0.1 (UDP, an ephemeral port), run as a fiber of the
// calling thread's dispatcher, so start it inside loop(). No test ever queries a real resolver.
//
//   auto ns = copas::test::fake_dns({.hosts = {{"good.test", {"127.0.0.1", "::1"}}},
//                                    .silent = {"silent.test"}});
//   copas::dns::set_nameservers({copas::test::nameserver_address(ns)});
//   ...
//   ns.close();  // the server fiber ends
//
// It answers A and AAAA queries from `hosts` (names match case-insensitively: evdns randomizes
// the case of its queries), NOERROR without answers for a known name lacking that family,
// NXDOMAIN for every other name, SERVFAIL (a temporary failure) for `servfail` names, and
// nothing at all for `silent` names.

#include <copas/net/socket.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace copas::test {

struct fake_dns_zone {
  std::map<std::string, std::vector<std::string>> hosts;    // name -> IPv4 and IPv6 addresses
  std::set<std::string> silent;                             // names never answered
  std::set<std::string> servfail;                           // names answered with SERVFAIL
  std::shared_ptr<int> queries = std::make_shared<int>(0);  // counts every query received
};

// Starts the server; returns its socket (close it to stop the server).
copas::socket fake_dns(fake_dns_zone zone = {});

// "127.0.0.1:<port>" of a server started by fake_dns, for copas::dns::set_nameservers.
std::string nameserver_address(const copas::socket& server);

}  // namespace copas::test
