// libFuzzer target over what an FTP server sends on the control connection: the reply reader
// (fed in pieces, with small limits so the bounds are exercised) and the reply checks.
#include <copas/ftp/reply.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the piece size, so replies are split at every possible place.
  const std::size_t piece = 1 + data[0] % 64;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  copas::ftp::reply_reader reader({.max_line = 256, .max_lines = 16, .max_size = 2048});
  const copas::ftp::reply_check ok({"1..", "2..", 331});
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    reader.append(bytes.substr(at, piece));
    while (auto r = reader.next()) {
      if (!*r) return 0;  // the stream is out of step for good
      const auto& rep = r->value();
      if (rep.code < 0 || rep.code > 999 || rep.text.size() > 2048) __builtin_trap();
      if (rep.text.find('\r') != std::string::npos) __builtin_trap();
      (void)ok.matches(rep);
    }
    if (reader.buffered() > 2048 + 64) __builtin_trap();
  }
  return 0;
}
