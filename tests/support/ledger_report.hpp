#pragma once
// Reading a leak ledger report (see <copas/core/ledger.hpp>) in tests.

#include <sstream>
#include <string>

namespace copas::test {

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
