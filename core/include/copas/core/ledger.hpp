#pragma once
// The leak ledger: what is still alive when a dispatcher ends -- fibers, sockets, timers,
// offload jobs -- each with the stack where it was created, so that a test or a server's
// shutdown can tell what it forgot to close, cancel or wait for.
//
// On by default in debug builds (copas built without NDEBUG), opt-in elsewhere with
// dispatcher_options::leak_ledger. The report goes to dispatcher_options::leak_report (standard
// error by default) when the dispatcher is destroyed, before it unwinds what is left:
//
//   copas: leak ledger: 2 alive at dispatcher end
//     fiber 'handler' created at
//       tests/net/server_test.cpp:40: in operator()
//       ...
//     socket 'srv:client_1' created at
//       ...
//
// Modules register their objects with a ledger::entry member; it costs nothing when the ledger
// is off (one branch at construction), and a stack capture (some microseconds) when it is on.

#include <copas/core/socket_ref.hpp>

#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas::ledger {

class entry {
 public:
  // Registers `what` ("socket", "timer", "offload job") with the calling thread's dispatcher, if
  // its ledger is on; `named` (optional, must outlive the entry) names it in the report.
  explicit entry(const char* what, const socket_ref* named = nullptr);
  // As above, named by a fixed label (a timer's name).
  entry(const char* what, std::string label);
  ~entry();
  entry(const entry&) = delete;
  entry& operator=(const entry&) = delete;

  struct record;

 private:
  entry(const char* what, const socket_ref* named, std::string label);
  record* record_ = nullptr;
};

}  // namespace copas::ledger

#include <copas/core/api_suffix.hpp>
