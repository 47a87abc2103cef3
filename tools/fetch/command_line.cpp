// curl's command-line grammar, by hand: CLI11 (which the other tools use) has no model for
// bundled short flags with a trailing value (-sSLo file), --no-FLAG for every flag, options read
// from a -K file, or -o/-O that pair with the URLs in the order given.
#include "options.hpp"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

namespace copas::fetch {

namespace {

struct option_spec {
  std::string long_name;
  char short_name;  // 0: none
  bool takes_value;
  std::function<bool(options&, const std::string&, bool on)> apply;  // false: bad value
};

std::optional<double> number(const std::string& v) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end) return std::nullopt;
  return d;
}

// "100K", "1M", "2G" (curl --limit-rate).
std::optional<std::uint64_t> size_with_unit(const std::string& v) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end == v.c_str()) return std::nullopt;
  std::string unit(end);
  double m = 1;
  if (unit == "k" || unit == "K")
    m = 1024;
  else if (unit == "m" || unit == "M")
    m = 1024.0 * 1024;
  else if (unit == "g" || unit == "G")
    m = 1024.0 * 1024 * 1024;
  else if (!unit.empty())
    return std::nullopt;
  return static_cast<std::uint64_t>(d * m);
}

// -o and -O go to the first URL that has neither yet (curl's "node" per URL).
transfer_spec& slot_for_output(options& o) {
  for (auto& t : o.transfers)
    if (!t.output && !t.remote_name) return t;
  o.transfers.push_back({});
  return o.transfers.back();
}
transfer_spec& slot_for_url(options& o) {
  for (auto& t : o.transfers)
    if (t.url.empty()) return t;
  o.transfers.push_back({});
  return o.transfers.back();
}
transfer_spec& slot_for_upload(options& o) {
  for (auto& t : o.transfers)
    if (t.upload.empty()) return t;
  o.transfers.push_back({});
  return o.transfers.back();
}

bool parse_config(options& o, const std::string& file);

// curl's warnf: "Warning: " before each line, the text cut at spaces into lines of at most 79
// columns (the space that ends a line stays on it); nothing with -s.
void warn(const options& o, const std::string& text) {
  if (o.silent) return;
  const std::size_t width = 79 - 9;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::cerr << "Warning: ";
    if (rest.size() <= width) {
      std::cerr << rest;
      break;
    }
    std::size_t cut = width - 1;
    while (cut > 0 && rest[cut] != ' ' && rest[cut] != '\t' && rest[cut] != '\n') --cut;
    if (cut == 0) cut = width - 1;
    std::cerr << rest.substr(0, cut + 1) << "\n";
    rest.remove_prefix(cut + 1);
  }
}

// curl's SetHTTPrequest: one method per command line. -I and -F choose theirs while parsing,
// -d and -T once all is parsed; a second, different one is refused (exit 2).
bool set_request(options& o, options::request_kind want) {
  using k = options::request_kind;
  if (o.request == k::unset || o.request == want) {
    o.request = want;
    return true;
  }
  auto name = [](k r) -> std::string {
    switch (r) {
      case k::get: return "GET (-G, --get)";
      case k::head: return "HEAD (-I, --head)";
      case k::form: return "multipart formpost (-F, --form)";
      case k::post: return "POST (-d, --data)";
      case k::put: return "PUT (-T, --upload-file)";
      case k::unset: break;
    }
    return "";
  };
  warn(o, "You can only select one HTTP request method! You asked for both " + name(want) +
              " and " + name(o.request) + ".\n");
  o.badly_used = true;
  return false;
}

#define FLAG(field)                             \
  [](options& o, const std::string&, bool on) { \
    o.field = on;                               \
    return true;                                \
  }
#define TEXT(field)                            \
  [](options& o, const std::string& v, bool) { \
    o.field = v;                               \
    return true;                               \
  }
#define SECONDS(field)                         \
  [](options& o, const std::string& v, bool) { \
    auto n = number(v);                        \
    if (n) o.field = *n;                       \
    return n.has_value();                      \
  }
#define DATA(kind)                             \
  [](options& o, const std::string& v, bool) { \
    o.data.push_back({data_part::kind, v});    \
    return true;                               \
  }

const std::vector<option_spec>& table() {
  static const std::vector<option_spec> all = {
      {"url", 0, true,
       [](options& o, const std::string& v, bool) {
         slot_for_url(o).url = v;
         return true;
       }},
      {"output", 'o', true,
       [](options& o, const std::string& v, bool) {
         slot_for_output(o).output = v;
         return true;
       }},
      {"remote-name", 'O', false,
       [](options& o, const std::string&, bool) {
         slot_for_output(o).remote_name = true;
         return true;
       }},
      {"remote-name-all", 0, false, FLAG(remote_name_all)},
      {"upload-file", 'T', true,
       [](options& o, const std::string& v, bool) {
         slot_for_upload(o).upload = v;
         return true;
       }},
      {"request", 'X', true, TEXT(method)},
      {"header", 'H', true,
       [](options& o, const std::string& v, bool) {
         o.headers.push_back(v);
         return true;
       }},
      {"data", 'd', true, DATA(ascii)},
      {"data-ascii", 0, true, DATA(ascii)},
      {"data-binary", 0, true, DATA(binary)},
      {"data-raw", 0, true, DATA(raw)},
      {"data-urlencode", 0, true, DATA(urlencode)},
      {"json", 0, true,
       [](options& o, const std::string& v, bool) {
         o.json = o.json ? *o.json + v : v;  // curl concatenates repeated --json as is
         return true;
       }},
      {"form", 'F', true,
       [](options& o, const std::string& v, bool) {
         o.form.push_back({v});
         return set_request(o, options::request_kind::form);
       }},
      {"get", 'G', false, FLAG(get)},
      {"head", 'I', false,
       [](options& o, const std::string&, bool on) {
         o.head = on;
         return set_request(o, on ? options::request_kind::head : options::request_kind::get);
       }},
      {"user", 'u', true, TEXT(user)},
      {"user-agent", 'A', true, TEXT(user_agent)},
      {"referer", 'e', true, TEXT(referer)},
      {"cookie", 'b', true,
       [](options& o, const std::string& v, bool) {
         o.cookies.push_back(v);
         return true;
       }},
      {"cookie-jar", 'c', true, TEXT(cookie_jar)},
      {"range", 'r', true, TEXT(range)},
      {"continue-at", 'C', true, TEXT(resume)},
      {"compressed", 0, false, FLAG(compressed)},
      {"http1.0", '0', false, FLAG(http10)},
      {"http1.1", 0, false,
       [](options& o, const std::string&, bool) {
         o.http10 = false;
         return true;
       }},
      {"location", 'L', false, FLAG(location)},
      {"location-trusted", 0, false,
       [](options& o, const std::string&, bool on) {
         o.location_trusted = on;
         o.location = o.location || on;
         return true;
       }},
      {"max-redirs", 0, true,
       [](options& o, const std::string& v, bool) {
         auto n = number(v);
         if (n) o.max_redirs = static_cast<int>(*n);
         return n.has_value();
       }},
      {"post301", 0, false, FLAG(post301)},
      {"post302", 0, false, FLAG(post302)},
      {"post303", 0, false, FLAG(post303)},
      {"proxy", 'x', true, TEXT(proxy)},
      {"noproxy", 0, true, TEXT(noproxy)},
      {"resolve", 0, true,
       [](options& o, const std::string& v, bool) {
         o.resolve.push_back(v);
         return true;
       }},
      {"ipv4", '4', false,
       [](options& o, const std::string&, bool) {
         o.ip_version = 4;
         return true;
       }},
      {"ipv6", '6', false,
       [](options& o, const std::string&, bool) {
         o.ip_version = 6;
         return true;
       }},
      {"max-time", 'm', true, SECONDS(max_time)},
      {"connect-timeout", 0, true, SECONDS(connect_timeout)},
      {"limit-rate", 0, true,
       [](options& o, const std::string& v, bool) {
         auto n = size_with_unit(v);
         if (n) o.limit_rate = *n;
         return n.has_value();
       }},
      {"cacert", 0, true, TEXT(cacert)},
      {"insecure", 'k', false, FLAG(insecure)},
      {"cert", 'E', true, TEXT(cert)},
      {"key", 0, true, TEXT(key)},
      {"cert-type", 0, true, TEXT(cert_type)},
      {"netrc", 'n', false, FLAG(netrc)},
      {"netrc-file", 0, true, TEXT(netrc_file)},
      {"dns-servers", 0, true, TEXT(dns_servers)},
      {"retry", 0, true,
       [](options& o, const std::string& v, bool) {
         auto n = number(v);
         if (n) o.retry = static_cast<int>(*n);
         return n.has_value();
       }},
      {"retry-delay", 0, true, SECONDS(retry_delay)},
      {"retry-max-time", 0, true, SECONDS(retry_max_time)},
      {"retry-all-errors", 0, false, FLAG(retry_all_errors)},
      {"retry-connrefused", 0, false, FLAG(retry_connrefused)},
      {"include", 'i', false, FLAG(include)},
      {"dump-header", 'D', true, TEXT(dump_header)},
      {"fail", 'f', false, FLAG(fail)},
      {"fail-with-body", 0, false, FLAG(fail_with_body)},
      {"silent", 's', false, FLAG(silent)},
      {"show-error", 'S', false, FLAG(show_error)},
      {"verbose", 'v', false, FLAG(verbose)},
      {"progress-bar", '#', false, FLAG(progress_bar)},
      {"create-dirs", 0, false, FLAG(create_dirs)},
      {"write-out", 'w', true, TEXT(write_out)},
      {"parallel", 'Z', false, FLAG(parallel)},
      {"parallel-max", 0, true,
       [](options& o, const std::string& v, bool) {
         auto n = number(v);
         if (n && *n >= 1) o.parallel_max = static_cast<int>(std::min(*n, 300.0));  // curl's cap
         return n.has_value();
       }},
      // copas-fetch always connects at once (curl, without it, first waits to see whether the
      // first connection can multiplex the others).
      {"parallel-immediate", 0, false, [](options&, const std::string&, bool) { return true; }},
      {"config", 'K', true,
       [](options& o, const std::string& v, bool) {
         return parse_config(o, v) || (o.error_told = true, false);
       }},
  };
  return all;
}

#undef FLAG
#undef TEXT
#undef SECONDS
#undef DATA

const option_spec* find_long(const std::string& name) {
  for (auto& s : table())
    if (s.long_name == name) return &s;
  return nullptr;
}
const option_spec* find_short(char c) {
  for (auto& s : table())
    if (s.short_name == c) return &s;
  return nullptr;
}

bool bad(const std::string& what) {
  std::cerr << "copas-fetch: " << what
            << "\ncopas-fetch: try 'copas-fetch --help' for more information\n";
  return false;
}

// Applies one option; `value` is the next argument when the option takes one (used: true).
bool apply(options& o, const option_spec& s, const std::string* value, bool on, bool& used,
           const std::string& shown) {
  used = false;
  if (s.takes_value) {
    if (!value) return bad("option " + shown + ": requires parameter");
    used = true;
    if (!s.apply(o, *value, true))
      return o.error_told ? false
                          : bad("option " + shown +
                                (o.badly_used ? ": is badly used here"
                                              : ": expected a proper numerical parameter"));
    return true;
  }
  if (!s.apply(o, "", on)) return bad("option " + shown + ": is badly used here");
  return true;
}

// A long option "name" or "no-name"; sets `on`.
const option_spec* long_option(const std::string& name, bool& on) {
  on = true;
  if (auto* s = find_long(name)) return s;
  if (name.starts_with("no-"))
    if (auto* s = find_long(name.substr(3)); s && !s->takes_value) {
      on = false;
      return s;
    }
  return nullptr;
}

bool parse_args(options& o, const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::string* next = i + 1 < args.size() ? &args[i + 1] : nullptr;
    bool used = false;
    if (a.starts_with("--") && a.size() > 2) {
      bool on = true;
      auto* s = long_option(a.substr(2), on);
      if (!s) return bad("option " + a + ": is unknown");
      if (!apply(o, *s, next, on, used, a)) return false;
      if (used) ++i;
    } else if (a.size() > 1 && a[0] == '-') {
      for (std::size_t k = 1; k < a.size(); ++k) {
        auto* s = find_short(a[k]);
        if (!s) return bad(std::string("option -") + a[k] + ": is unknown");
        if (s->takes_value) {
          std::string attached = a.substr(k + 1);
          const std::string* v = attached.empty() ? next : &attached;
          if (!apply(o, *s, v, true, used, std::string("-") + a[k])) return false;
          if (attached.empty() && used) ++i;
          break;
        }
        if (!apply(o, *s, nullptr, true, used, std::string("-") + a[k])) return false;
      }
    } else {
      slot_for_url(o).url = a;
    }
  }
  return true;
}

// One line of a -K file: "--name value", "name = value", "name: value", "url = "...", # comments.
bool parse_config(options& o, const std::string& file) {
  // A -K line in a -K file comes back here through parse_args: a file that names itself must
  // end in an error, not recurse until the stack runs out.
  static int depth = 0;
  if (depth >= 4) return bad("config files nest too deep");
  ++depth;
  struct leave {
    ~leave() { --depth; }
  } left_on_return;
  std::ifstream in;
  std::istream* src = &std::cin;
  if (file != "-") {
    in.open(file);
    if (!in) return bad("cannot read config file " + file);
    src = &in;
  }
  std::string line;
  for (int number = 1; std::getline(*src, line); ++number) {
    std::size_t p = line.find_first_not_of(" \t");
    if (p == std::string::npos || line[p] == '#') continue;
    std::size_t e = line.find_first_of(" \t=:", p);
    std::string name = line.substr(p, e == std::string::npos ? std::string::npos : e - p);
    std::string value;
    if (e != std::string::npos) {
      std::size_t v = line.find_first_not_of(" \t=:", e);
      if (v != std::string::npos) value = line.substr(v);
    }
    if (!value.empty() && value.front() == '"') {
      std::string unq;
      for (std::size_t k = 1; k < value.size() && value[k] != '"'; ++k) {
        if (value[k] == '\\' && k + 1 < value.size()) {
          char c = value[++k];
          unq += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        } else {
          unq += value[k];
        }
      }
      value = unq;
    } else {
      while (!value.empty() &&
             (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
        value.pop_back();
    }
    std::vector<std::string> args;
    if (name.starts_with("-"))
      args.push_back(name);
    else
      args.push_back((name.size() == 1 ? "-" : "--") + name);
    bool on = true;
    const option_spec* s = name.starts_with("--")  ? long_option(name.substr(2), on)
                           : name.starts_with("-") ? find_short(name.size() > 1 ? name[1] : 0)
                           : name.size() == 1      ? find_short(name[0])
                                                   : long_option(name, on);
    if (!s) {  // curl warns and reads on
      warn(o, file + ":" + std::to_string(number) + ": warning: '" + name + "' is unknown\n");
      continue;
    }
    if (s->takes_value) args.push_back(value);
    if (!parse_args(o, args)) return false;
  }
  return true;
}

}  // namespace

std::optional<options> parse_command_line(int argc, char** argv) {
  options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (auto& a : args)
    if (a == "-h" || a == "--help") {
      std::cout << "Usage: copas-fetch [options...] <url>...\n"
                   "curl's options and exit codes; README.md, section copas-fetch, lists them.\n";
      std::exit(0);
    }
  if (!parse_args(o, args)) return std::nullopt;
  std::erase_if(o.transfers, [](const transfer_spec& t) { return t.url.empty(); });
  if (o.transfers.empty()) {
    bad("no URL specified");
    return std::nullopt;
  }
  // -d (-G: GET, or HEAD with -I) and -T take their method once all is parsed, as in curl.
  using k = options::request_kind;
  if (!o.data.empty() || o.json) {
    if (!set_request(o, o.get ? (o.head ? k::head : k::get) : k::post)) return std::nullopt;
  }
  for (auto& t : o.transfers)
    if (!t.upload.empty() && !set_request(o, k::put)) return std::nullopt;
  if (o.remote_name_all)
    for (auto& t : o.transfers)
      if (!t.output) t.remote_name = true;
  return o;
}

}  // namespace copas::fetch
