#pragma once
// Reading a leak ledger report (see <copas/core/ledger.hpp>) in tests.

#include <copas/core/dispatcher.hpp>

#include <sstream>
#include <string>
#include <thread>
#include <utility>

namespace copas::test {

// Runs `body` on a thread of its own, after creating that thread's dispatcher with the leak
// ledger on, and returns the ledger's report once the thread (and so its dispatcher) has ended:
// empty when nothing was left alive.
template <class Body>
std::string leak_report_of(Body&& body) {
  std::string report;
  std::thread t([&] {
    copas::dispatcher::create(
        {.leak_ledger = true, .leak_report = [&](const std::string& r) { report = r; }});
    std::forward<Body>(body)();
  });
  t.join();
  return report;
}

// The entry of `report` whose heading is `heading` ("timer 'tick' created at"): that line and
// its stack's lines, up to the next entry; empty when no entry has that heading.
inline std::string ledger_entry(const std::string& report, const std::string& heading) {
  std::istringstream in(report);
  std::string line, entry;
  bool inside = false;
  while (std::getline(in, line)) {
    // Entries are indented by two spaces, their stack frames by more.
    if (line.size() > 2 && line.compare(0, 2, "  ") == 0 && line[2] != ' ')
      inside = line.compare(2, std::string::npos, heading) == 0;
    if (inside) entry += line + "\n";
  }
  return entry;
}

}  // namespace copas::test
