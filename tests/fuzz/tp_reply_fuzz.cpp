// libFuzzer target over copas::tp (copas/net/tp.hpp), the parser of FTP and SMTP server replies:
// the reply reader fed in pieces, with small limits so that the bounds are exercised, and the
// reply checks. The first byte picks the piece size, so replies are split at every place.
#include <copas/net/tp.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const copas::tp::limits limits{.max_line = 256, .max_lines = 16, .max_size = 2048};
  copas::tp::reply_reader reader(limits);
  const copas::tp::reply_check ok({"1..", "2..", 331});
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    reader.append(bytes.substr(at, piece));
    while (auto r = reader.next()) {
      if (!*r) return 0;  // the stream is out of step for good
      const auto& rep = r->value();
      if (rep.code < 0 || rep.code > 999 || rep.text.size() > limits.max_size) __builtin_trap();
      if (rep.text.find('\r') != std::string::npos) __builtin_trap();
      // The text starts with the code it reports.
      if (!copas::tp::reply_check(rep.code).matches(rep) || rep.text.size() < 3) __builtin_trap();
      (void)ok.matches(rep);
    }
    // Unparsed input is held back only up to one line (plus the CR and the piece just added).
    if (reader.buffered() > limits.max_line + 1 + piece) __builtin_trap();
  }
  return 0;
}
