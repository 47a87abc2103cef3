#pragma once
// The oracle for copas-fetch against the servers people run: curl, on the same command line,
// against the same server. A case names the exit code curl gives (so that a case where both
// fail the same unexpected way does not pass), then copas-fetch must give the same exit code
// and write the same bytes to stdout.
#include "child_process.hpp"

#include <gtest/gtest.h>
#include <copas/core.hpp>

#include <functional>
#include <string>
#include <vector>

namespace copas::test {

inline child_result run_tool(std::vector<std::string> argv) {
  child_result r;
  copas::loop([&] { r = run_child(argv); });
  return r;
}

inline std::string command_line(const std::vector<std::string>& args) {
  std::string out;
  for (auto& a : args) out += " '" + a + "'";
  return out;
}

// `server` names the peer in failure messages ("Apache httpd", "squid", "proftpd").
// `between` runs after curl's run and before copas-fetch's (to remove what curl uploaded).
inline void expect_same_as_curl(const std::string& server, const std::vector<std::string>& args,
                                int curl_exit, const std::function<void()>& between = {}) {
  std::vector<std::string> curl{"curl", "-q", "-s"}, fetch{COPAS_FETCH, "-s"};
  curl.insert(curl.end(), args.begin(), args.end());
  fetch.insert(fetch.end(), args.begin(), args.end());
  auto want = run_tool(curl);
  if (between) between();
  auto got = run_tool(fetch);
  ASSERT_EQ(want.exit_code, curl_exit)
      << "curl against " << server << ":" << command_line(args) << "\n"
      << want.err;
  EXPECT_EQ(got.exit_code, want.exit_code)
      << "copas-fetch against " << server << ":" << command_line(args) << "\nstderr: " << got.err;
  EXPECT_TRUE(got.out == want.out)
      << "copas-fetch against " << server << ":" << command_line(args) << "\n"
      << got.out.size() << " bytes on stdout, curl " << want.out.size() << "\ncopas-fetch:\n"
      << got.out.substr(0, 400) << "\ncurl:\n"
      << want.out.substr(0, 400) << "\nstderr: " << got.err;
}

}  // namespace copas::test
