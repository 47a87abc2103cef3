#pragma once
// What receive() reads: LuaSocket's patterns "*l", "*a" and a byte count.
//
//   sock.receive(copas::line);   // up to LF; the LF and every CR are dropped
//   sock.receive(copas::all);    // until the peer closes
//   sock.receive(512);           // exactly 512 bytes, counting the prefix
//
// A negative count throws std::invalid_argument
// "bad argument #2 to 'receive' (invalid receive pattern)", as LuaSocket raises.

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include <copas/core/api_prefix.hpp>

namespace copas {

class receive_pattern {
 public:
  enum class kind { line, all, count };

  // NOLINTNEXTLINE(google-explicit-constructor): copas::line / copas::all
  constexpr receive_pattern(kind k) : kind_(k) {}
  template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
  // NOLINTNEXTLINE(google-explicit-constructor): receive(4096)
  constexpr receive_pattern(Int n) : kind_(kind::count), count_(checked(n)) {}

  constexpr kind type() const noexcept { return kind_; }
  constexpr std::size_t count() const noexcept { return count_; }

 private:
  template <class Int>
  static constexpr std::size_t checked(Int n) {
    if constexpr (std::is_signed_v<Int>) {
      if (n < 0)
        throw std::invalid_argument("bad argument #2 to 'receive' (invalid receive pattern)");
    }
    return static_cast<std::size_t>(n);
  }
  kind kind_;
  std::size_t count_ = 0;
};

// "*l": a line without its LF, with every CR removed (the default).
inline constexpr receive_pattern line{receive_pattern::kind::line};
// "*a": everything until the peer closes.
inline constexpr receive_pattern all{receive_pattern::kind::all};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
