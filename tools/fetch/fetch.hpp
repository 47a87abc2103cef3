#pragma once
// copas-fetch's shared pieces: the options (curl's names), curl's exit codes, the scheme
// registry each protocol adds itself to, and the output and progress sinks.

#include <copas/net/ltn12/sink.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace copas::fetch {

// curl's exit codes where copas-fetch can fail the same way.
enum exit_code : int {
  ok = 0,
  unsupported_protocol = 1,
  bad_url = 3,
  host_not_resolved = 6,
  connect_failed = 7,
  weird_reply = 8,
  partial_file = 18,
  http_error = 22,
  write_error = 23,
  read_error = 26,
  timed_out = 28,
  tls_connect_failed = 35,
  too_many_redirects = 47,
  recv_error = 56,
  cert_untrusted = 60,
};

struct options {
  std::string url;
  std::string output;                 // -o; empty: stdout
  std::optional<std::string> method;  // -X
  std::vector<std::string> headers;   // -H "Name: value"
  std::optional<std::string> data;    // -d (form) / --data-binary (raw, @file read)
  bool data_is_form = false;
  std::string upload;                 // -T FILE (PUT)
  bool head = false;                  // -I
  bool include = false;               // -i
  std::string proxy;                  // -x
  int max_redirs = 5;                 // --max-redirs; -1 unlimited
  bool follow = true;                 // --no-redirect turns it off
  double timeout = 60;                // --timeout (per operation, as LuaSocket)
  std::string cacert;                 // --cacert
  bool insecure = false;              // -k
  bool fail = false;                  // -f
  bool silent = false;                // -s
  bool verbose = false;               // -v
  std::optional<bool> progress;       // --progress / --no-progress; default: auto
};

// One protocol: runs the transfer inside a copas fiber and returns the exit code.
using scheme_runner = std::function<int(const options&)>;
std::map<std::string, scheme_runner>& schemes();
struct register_scheme {
  register_scheme(std::string name, scheme_runner run) { schemes()[std::move(name)] = std::move(run); }
};

// Prints "copas-fetch: (<code>) <message>" unless silent, returns code.
int fail(const options& o, int code, const std::string& message);

// Where the body goes: -o FILE or stdout. `error` is set when it cannot be opened.
ltn12::sink output_sink(const options& o, std::string& error);

// Wraps `sink` with a progress bar on stderr (bytes, rate, ETA against `total` when known).
class progress {
 public:
  explicit progress(bool on) : on_(on) {}
  ltn12::sink wrap(ltn12::sink sink);
  void expect(std::optional<std::uint64_t> total) { total_ = total; }
  void finish();

 private:
  void draw(bool last);
  bool on_;
  std::optional<std::uint64_t> total_;
  std::uint64_t bytes_ = 0;
  double start_ = 0, last_draw_ = 0;
};

bool progress_wanted(const options& o);

}  // namespace copas::fetch
