#pragma once
// copas-fetch's command line, with curl's option names and meanings (README: copas-fetch).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace copas::fetch {

// One URL of the command line and where its body goes (-o FILE / -O pair with URLs in order).
struct transfer_spec {
  std::string url;
  std::optional<std::string> output;  // -o FILE ("-" = stdout)
  bool remote_name = false;           // -O
  std::string upload;                 // -T FILE ("-" = stdin), "" none
};

// A piece of -d/--data-*: how its text is taken (curl joins them with '&').
struct data_part {
  enum kind { ascii, binary, raw, urlencode } how;
  std::string text;
};

// A -F name=value, name=@file[;type=..][;filename=..], name=<file.
struct form_part {
  std::string spec;
};

struct options {
  std::vector<transfer_spec> transfers;

  // Request
  std::optional<std::string> method;  // -X
  std::vector<std::string> headers;   // -H
  std::vector<data_part> data;        // -d, --data-binary, --data-raw, --data-urlencode
  std::vector<form_part> form;        // -F
  std::optional<std::string> json;    // --json (joined like -d)
  bool get = false;                   // -G: data goes into the query
  bool head = false;                  // -I
  // Parse state for curl's one-method check: the method -I/--no-head or -F chose so far.
  enum class request_kind { unset, get, head, form, post, put } request = request_kind::unset;
  bool badly_used = false;          // an option refused for that: "option -F: is badly used here"
  bool error_told = false;          // the refusal was already explained (a -K file's own error)
  std::optional<std::string> user;  // -u USER[:PASSWORD]
  std::optional<std::string> user_agent;  // -A
  std::optional<std::string> referer;     // -e
  std::vector<std::string> cookies;       // -b (NAME=VAL;... or a file)
  std::optional<std::string> cookie_jar;  // -c
  std::optional<std::string> range;       // -r
  std::optional<std::string> resume;      // -C OFFSET or "-"
  bool compressed = false;                // --compressed
  bool http10 = false;                    // --http1.0
  std::optional<double> expect_over;      // Expect: 100-continue over this size (1 MiB)

  // Redirects
  bool location = false;          // -L
  bool location_trusted = false;  // --location-trusted
  int max_redirs = 50;            // --max-redirs (curl's default 50; -1 unlimited)
  bool post301 = false, post302 = false, post303 = false;

  // Connection
  std::optional<std::string> proxy;                 // -x
  std::optional<std::string> noproxy;               // --noproxy
  std::vector<std::string> resolve;                 // --resolve HOST:PORT:ADDR
  int ip_version = 0;                               // -4 / -6
  std::optional<double> max_time;                   // -m
  std::optional<double> connect_timeout;            // --connect-timeout
  std::optional<std::uint64_t> limit_rate;          // --limit-rate (bytes/s)
  std::string cacert;                               // --cacert
  bool insecure = false;                            // -k
  std::optional<std::string> cert, key, cert_type;  // --cert FILE[:PASSWORD], --key, --cert-type
  std::optional<std::string> netrc_file;            // --netrc-file
  bool netrc = false;                               // -n
  std::string dns_servers;                          // --dns-servers (copas-fetch: tests' fake DNS)

  // Retry
  int retry = 0;                      // --retry
  std::optional<double> retry_delay;  // --retry-delay
  double retry_max_time = 0;          // --retry-max-time
  bool retry_all_errors = false;      // --retry-all-errors
  bool retry_connrefused = false;     // --retry-connrefused

  // Output
  bool include = false;                    // -i
  std::optional<std::string> dump_header;  // -D FILE
  bool fail = false;                       // -f
  bool fail_with_body = false;             // --fail-with-body
  bool silent = false;                     // -s
  bool show_error = false;                 // -S
  bool verbose = false;                    // -v
  bool progress_bar = false;               // -#
  bool create_dirs = false;                // --create-dirs
  std::optional<std::string> write_out;    // -w
  bool remote_name_all = false;            // --remote-name-all

  // Parallel
  bool parallel = false;  // -Z
  int parallel_max = 50;  // --parallel-max
};

// Parses argv as curl does: bundled short flags (-sSL), attached values (-ofile), --no-FLAG,
// -K FILE config files, --url, and -o/-O paired with the URLs in order. Returns std::nullopt
// after printing the error on stderr (exit 2).
std::optional<options> parse_command_line(int argc, char** argv);

// Expands $HOME-relative paths and reads ~/.netrc (or FILE) for `host`: login and password.
std::optional<std::pair<std::string, std::string>> netrc_lookup(const std::string& file,
                                                                const std::string& host);

}  // namespace copas::fetch
