// libFuzzer target over copas::tp::reply_reader, the parser of SMTP (and FTP) server replies.
// The first byte picks a chunk size, so that the same reply is also parsed split at odd places;
// every reply taken must respect the bounds and start with its own three-digit code.
#include <copas/smtp/tp.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const copas::tp::limits limits{.max_line = 128, .max_lines = 16};
  copas::tp::reply_reader reader(limits);
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.append(input.substr(at, chunk));
    while (auto r = reader.next()) {
      if (!*r) return 0;  // malformed: the stream is over
      const auto& reply = **r;
      if (reply.code < 0 || reply.code > 999) std::abort();
      if (reply.text.size() > limits.max_lines * (limits.max_line + 1)) std::abort();
      if (!copas::tp::matches(std::string_view(reply.text).substr(0, 3), reply.code)) std::abort();
    }
  }
  return 0;
}
