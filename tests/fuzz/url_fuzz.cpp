// libFuzzer target for copas::url. Properties:
// - parse never crashes; build(parse(build(parse(s)))) == build(parse(s)) (one round normalizes
//   the brackets and the authority, after that parse/build is stable);
// - absolute() terminates on anything, and its output is no longer than its inputs allow;
// - parse_path/build_path and escape/unescape round-trip.
#include <copas/net/url.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace url = copas::url;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto u = url::parse(in)) {
    const std::string once = url::build(*u);
    auto again = url::parse(once);
    if (!once.empty()) {
      check(again.has_value());
      check(url::build(*again) == once);
    }
  } else {
    check(in.empty());
  }

  // Two URLs: split at the first newline.
  const auto cut = in.find('\n');
  const std::string_view base = in.substr(0, cut);
  const std::string_view rel =
      cut == std::string_view::npos ? std::string_view() : in.substr(cut + 1);
  const std::string abs = url::absolute(base, rel);
  // Resolution only ever adds the separators build() writes ("//", ":", ";", "?", "#", "/", "[]").
  check(abs.size() <= base.size() + rel.size() + 8);

  const auto p = url::parse_path(in);
  check(url::parse_path(url::build_path(p)) == p);
  check(url::unescape(url::escape(in)) == in);
  return 0;
}
