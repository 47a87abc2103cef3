// libFuzzer target over the data-channel replies: PASV (227) and EPSV (229) parsing, which read
// addresses and ports out of free-form server text.
#include "../../ftp/src/passive.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto a = copas::ftp::detail::parse_pasv(text)) {
    if (a->port == 0 || a->ip.size() > 15) __builtin_trap();
    (void)copas::ftp::detail::is_public_ipv4(a->ip);
  }
  if (auto p = copas::ftp::detail::parse_epsv(text)) {
    if (*p == 0) __builtin_trap();
  }
  (void)copas::ftp::detail::is_public_ipv4(text);
  return 0;
}
