#pragma once
// What the http fuzz targets share: the input after its first byte, handed to an http::reader in
// pieces of 1..64 bytes (the size from the first byte), with small limits so that the bounds are
// hit, and a sink that only counts what reached it.
#include <copas/http/reader.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace copas::fuzz {

struct piecewise_feed {
  std::string input;
  std::size_t step;
  std::size_t pos = 0;
  std::size_t delivered = 0;  // bytes the sink received

  piecewise_feed(const std::uint8_t* data, std::size_t size)
      : input(reinterpret_cast<const char*>(data) + 1, size - 1), step(1 + data[0] % 64) {}

  http::reader reader() {
    return http::reader(
        [this](std::string& buf) -> result<void> {
          if (pos >= input.size()) return errc::closed;
          auto n = std::min(step, input.size() - pos);
          buf.append(input, pos, n);
          pos += n;
          return {};
        },
        http::limits{.max_line = 256, .max_fields = 16, .max_header_bytes = 1024});
  }

  ltn12::sink counting_sink() {
    return ltn12::sink([this](ltn12::chunk c, const std::optional<error>&) -> result<void> {
      if (c) delivered += c->size();
      return {};
    });
  }
};

}  // namespace copas::fuzz
