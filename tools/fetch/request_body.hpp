#pragma once
// What a transfer sends: curl's -d family joined with '&', --json, -F multipart, -T FILE/-
// (stdin), and -G moving the data into the query.

#include "options.hpp"

#include <copas/net/ltn12/source.hpp>

#include <functional>
#include <optional>
#include <string>

namespace copas::fetch {

struct request_body {
  std::string method;                       // the default method (GET, POST, PUT, HEAD)
  std::optional<std::string> content_type;  // a default Content-Type
  std::optional<std::uint64_t> length;      // known size (none: chunked)
  std::function<ltn12::source()> make;      // the body, as many times as needed; empty: none
  std::string query;                        // -G: appended to the URL
  bool json = false;
  bool upload = false;  // -T: Expect: 100-continue whatever the size (curl)
};

// Builds the body for `t`; `error` set (with curl's 26) when a file cannot be read.
request_body build_body(const options& o, const transfer_spec& t, std::string& error);

// Reads FILE, or stdin for "-". False when it cannot be read.
bool slurp(const std::string& file, std::string& out);

}  // namespace copas::fetch
