#pragma once
// LuaSocket's receive buffer and its pattern rules (buffer.c), free of any I/O so that the fuzzer
// and the TCP and TLS transports share one implementation.

#include <copas/net/receive_pattern.hpp>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace copas::detail {

class receive_buffer {
 public:
  std::string_view view() const noexcept { return {data_.data() + begin_, end_ - begin_}; }
  bool empty() const noexcept { return begin_ == end_; }
  void consume(std::size_t n) noexcept {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Room for at least `n` more bytes at the end; write into it, then commit().
  char* prepare(std::size_t n) {
    if (begin_ > 0 && data_.size() - end_ < n) {
      std::memmove(data_.data(), data_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (data_.size() - end_ < n) data_.resize(end_ + n);
    return data_.data() + end_;
  }
  std::size_t capacity_after() const noexcept { return data_.size() - end_; }
  void commit(std::size_t n) noexcept { end_ += n; }

 private:
  std::vector<char> data_;
  std::size_t begin_ = 0, end_ = 0;
};

// What one fill of the buffer produced.
enum class fill_status { data, eof, want_read, want_write, failed };

// What one LuaSocket receive attempt ended with.
enum class attempt_status { done, want_read, want_write, closed, failed };

inline attempt_status to_attempt(fill_status f) noexcept {
  switch (f) {
    case fill_status::eof: return attempt_status::closed;
    case fill_status::want_read: return attempt_status::want_read;
    case fill_status::want_write: return attempt_status::want_write;
    default: return attempt_status::failed;
  }
}

// One raw receive(pattern, prefix) call, LuaSocket style: `acc` holds the prefix on entry and
// everything taken on exit. `fill()` reads more into `buf` and returns a fill_status.
template <class Fill>
attempt_status receive_once(const receive_pattern& p, receive_buffer& buf, std::string& acc,
                            Fill&& fill) {
  const std::size_t start = acc.size();
  switch (p.type()) {
    case receive_pattern::kind::count: {
      const std::size_t wanted = p.count();
      // A non-empty prefix that already covers the count is returned whole (verified quirk).
      if (start > 0 && wanted <= start) return attempt_status::done;
      for (;;) {
        if (buf.empty()) {
          if (auto f = fill(); f != fill_status::data) return to_attempt(f);
        }
        auto v = buf.view();
        std::size_t take = std::min(v.size(), wanted - acc.size());
        acc.append(v.data(), take);
        buf.consume(take);
        if (acc.size() >= wanted) return attempt_status::done;
      }
    }
    case receive_pattern::kind::line:
      for (;;) {
        if (buf.empty()) {
          if (auto f = fill(); f != fill_status::data) return to_attempt(f);
        }
        auto v = buf.view();
        auto lf = v.find('\n');
        auto chunk = v.substr(0, lf == std::string_view::npos ? v.size() : lf);
        // Every CR is dropped, not only the one before LF (LuaSocket's recvline).
        for (std::size_t pos = 0;;) {
          auto cr = chunk.find('\r', pos);
          acc.append(chunk.data() + pos, (cr == std::string_view::npos ? chunk.size() : cr) - pos);
          if (cr == std::string_view::npos) break;
          pos = cr + 1;
        }
        if (lf != std::string_view::npos) {
          buf.consume(lf + 1);
          return attempt_status::done;
        }
        buf.consume(v.size());
      }
    case receive_pattern::kind::all:
      for (;;) {
        if (buf.empty()) {
          auto f = fill();
          if (f == fill_status::eof)
            return acc.size() > start ? attempt_status::done : attempt_status::closed;
          if (f != fill_status::data) return to_attempt(f);
        }
        auto v = buf.view();
        acc.append(v.data(), v.size());
        buf.consume(v.size());
      }
  }
  return attempt_status::failed;
}

}  // namespace copas::detail
