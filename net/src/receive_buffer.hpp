#pragma once
// LuaSocket's receive buffer and its pattern rules (buffer.c), free of any I/O so that the fuzzer
// and the TCP and TLS transports share one implementation.

#include "io_blocks.hpp"

#include <copas/net/receive_pattern.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace copas::detail {

class receive_buffer {
 public:
  // pooled: the first block (io_block_size) comes from the sockets' block pool (io_blocks.hpp),
  // whose memory goes back to the OS when sockets end; a buffer that grows past it, and an
  // unpooled one (the fuzzer's, sanitizer builds': their allocator guards every byte), use new[].
  explicit receive_buffer(bool pooled = false) noexcept : pooled_(pooled) {}
  receive_buffer(const receive_buffer&) = delete;
  receive_buffer& operator=(const receive_buffer&) = delete;
  ~receive_buffer() { release(); }

  std::string_view view() const noexcept { return {data_ + begin_, end_ - begin_}; }
  bool empty() const noexcept { return begin_ == end_; }
  void consume(std::size_t n) noexcept {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Room for at least `n` more bytes at the end; write into it, then commit(). The room is not
  // zero-filled: a socket that only ever gets small messages touches one page of it, not 64 KiB
  // (which, times thousands of connections, is most of an echo server's page faults).
  char* prepare(std::size_t n) {
    if (begin_ > 0 && size_ - end_ < n) {
      std::memmove(data_, data_ + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (size_ - end_ < n) {
      std::size_t grown = std::max(end_ + n, size_ * 2);
      const bool from_pool = pooled_ && size_ == 0 && grown <= io_block_size;
      if (from_pool) grown = io_block_size;
      char* bigger = from_pool ? take_io_block() : new char[grown];
      if (end_ > 0) std::memcpy(bigger, data_, end_);
      release();
      data_ = bigger;
      size_ = grown;
      in_pool_block_ = from_pool;
    }
    return data_ + end_;
  }
  std::size_t capacity_after() const noexcept { return size_ - end_; }
  void commit(std::size_t n) noexcept { end_ += n; }

 private:
  void release() noexcept {
    if (in_pool_block_)
      give_io_block(data_);
    else
      delete[] data_;
    data_ = nullptr;
    in_pool_block_ = false;
  }
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t begin_ = 0, end_ = 0;
  bool pooled_;
  bool in_pool_block_ = false;
};

// What one fill of the buffer produced.
enum class fill_status { data, eof, want_read, want_write, failed };

// What one LuaSocket receive attempt ended with. too_long: the line or "*a" limit was reached
// with more data still to come; that data stays in the buffer (or the socket) for the next call.
enum class attempt_status { done, want_read, want_write, closed, failed, too_long };

inline attempt_status to_attempt(fill_status f) noexcept {
  switch (f) {
    case fill_status::eof: return attempt_status::closed;
    case fill_status::want_read: return attempt_status::want_read;
    case fill_status::want_write: return attempt_status::want_write;
    default: return attempt_status::failed;
  }
}

// Appends `chunk` to `acc` without its CR bytes, stopping when `acc` holds `limit` bytes.
// Returns how many bytes of `chunk` were used (CRs included); fewer than chunk.size() only when
// the limit stopped it at a byte that is not a CR.
inline std::size_t append_without_cr(std::string& acc, std::string_view chunk, std::size_t limit) {
  std::size_t pos = 0;
  while (pos < chunk.size()) {
    if (chunk[pos] == '\r') {
      ++pos;
      continue;
    }
    if (acc.size() >= limit) return pos;
    auto cr = chunk.find('\r', pos);
    std::size_t run = (cr == std::string_view::npos ? chunk.size() : cr) - pos;
    std::size_t take = std::min(run, limit - acc.size());
    acc.append(chunk.data() + pos, take);
    pos += take;
  }
  return pos;
}

// One raw receive(pattern, prefix) call, LuaSocket style: `acc` holds the prefix on entry and
// everything taken on exit. `fill()` reads more into `buf` and returns a fill_status.
// `limit` bounds `acc` for the line and "*a" patterns (a count bounds itself): a line of `limit`
// bytes (CRs not counted) still succeeds, one byte more is too_long with `acc` holding exactly
// `limit` bytes and the rest of the line left unread; a prefix already longer is too_long at once.
template <class Fill>
attempt_status receive_once(const receive_pattern& p, receive_buffer& buf, std::string& acc,
                            Fill&& fill, std::size_t limit = static_cast<std::size_t>(-1)) {
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
      if (start > limit) return attempt_status::too_long;
      for (;;) {
        if (buf.empty()) {
          if (auto f = fill(); f != fill_status::data) return to_attempt(f);
        }
        auto v = buf.view();
        auto lf = v.find('\n');
        auto chunk = v.substr(0, lf == std::string_view::npos ? v.size() : lf);
        // Every CR is dropped, not only the one before LF (LuaSocket's recvline).
        std::size_t used = append_without_cr(acc, chunk, limit);
        if (used < chunk.size()) {
          buf.consume(used);
          return attempt_status::too_long;
        }
        if (lf != std::string_view::npos) {
          buf.consume(lf + 1);
          return attempt_status::done;
        }
        buf.consume(v.size());
      }
    case receive_pattern::kind::all:
      if (start > limit) return attempt_status::too_long;
      for (;;) {
        if (buf.empty()) {
          auto f = fill();
          if (f == fill_status::eof)
            return acc.size() > start ? attempt_status::done : attempt_status::closed;
          if (f != fill_status::data) return to_attempt(f);
        }
        if (acc.size() >= limit) return attempt_status::too_long;
        auto v = buf.view();
        std::size_t take = std::min(v.size(), limit - acc.size());
        acc.append(v.data(), take);
        buf.consume(take);
      }
  }
  return attempt_status::failed;
}

}  // namespace copas::detail
