// The mime filters: LuaSocket's mime.lua, which wraps each low-level function in
// ltn12.filter.cycle and picks it by name.
#include <copas/net/mime.hpp>

#include <stdexcept>
#include <string>

namespace copas::mime {
namespace {

[[noreturn]] void unknown_key(std::string_view name) {
  throw std::invalid_argument("unknown key (" + std::string(name) + ")");
}

using rest = std::optional<std::string>;

}  // namespace

ltn12::filter encode(std::string_view name, std::string_view mode) {
  if (name == "base64") return ltn12::filter::cycle(&b64, rest(""));
  if (name == "quoted-printable") {
    return ltn12::filter::cycle(&qp, rest(""), std::string(mode == "binary" ? "=0D=0A" : "\r\n"));
  }
  unknown_key(name);
}

ltn12::filter decode(std::string_view name) {
  if (name == "base64") return ltn12::filter::cycle(&unb64, rest(""));
  if (name == "quoted-printable") return ltn12::filter::cycle(&unqp, rest(""));
  unknown_key(name);
}

ltn12::filter wrap(std::string_view name, std::optional<int> length) {
  if (name == "text" || name == "base64" || name == "default") {
    const int n = length.value_or(76);
    return ltn12::filter::cycle(&wrp, n, n);
  }
  if (name == "quoted-printable") return ltn12::filter::cycle(&qpwrp, 76, 76);
  unknown_key(name);
}

ltn12::filter wrap(int length) { return wrap("default", length); }

ltn12::filter normalize(std::string_view marker) {
  return ltn12::filter::cycle(&eol, 0, std::string(marker));
}

ltn12::filter stuff() { return ltn12::filter::cycle(&dot, 2); }

}  // namespace copas::mime
