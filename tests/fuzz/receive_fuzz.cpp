// libFuzzer target for the receive-pattern engine (LuaSocket's buffer.c rules): random input
// arrives in random chunks, with "would block" between them, and is read with a random pattern
// the way copas's receive loop does (partial carried as the prefix). Whatever the patterns, no
// byte may be lost, duplicated or reordered, and a line never holds a CR or LF. A random limit on
// lines and "*a" (receive_limits) must cut exactly at the limit and lose nothing either.
#include "../../net/src/receive_buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using copas::detail::attempt_status;
using copas::detail::fill_status;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t mode = data[0];
  const std::uint8_t chunking = data[1];
  // 0: unlimited; else a limit of 1..255 bytes (small, so that inputs reach it).
  const std::size_t limit = data[2] == 0 ? static_cast<std::size_t>(-1) : data[2];
  std::string input(reinterpret_cast<const char*>(data) + 3, size - 3);

  // Chunks of 1..16 bytes (by `chunking`), each followed by one "would block".
  std::vector<std::string> chunks;
  for (std::size_t pos = 0, i = 0; pos < input.size(); ++i) {
    std::size_t n = 1 + ((chunking + i * 7) % 16);
    chunks.push_back(input.substr(pos, n));
    pos += n;
  }
  std::size_t next = 0;
  bool blocked = false;
  copas::detail::receive_buffer buf;
  auto fill = [&]() {
    if (blocked) {
      blocked = false;
      return fill_status::want_read;
    }
    if (next == chunks.size()) return fill_status::eof;
    auto& c = chunks[next++];
    char* p = buf.prepare(c.size());
    std::copy(c.begin(), c.end(), p);
    buf.commit(c.size());
    blocked = true;
    return fill_status::data;
  };

  std::string out;  // what the calls returned, re-joined
  std::string expected;
  for (char ch : input)
    if (!((mode % 3) == 0 && ch == '\r')) expected += ch;
  for (int calls = 0; calls < 100000; ++calls) {
    copas::receive_pattern p = (mode % 3) == 0   ? copas::line
                               : (mode % 3) == 1 ? copas::all
                                                 : copas::receive_pattern(1 + (mode >> 2) % 40);
    std::string acc;
    attempt_status st;
    do st = copas::detail::receive_once(p, buf, acc, fill, limit);
    while (st == attempt_status::want_read);  // copas waits, then retries with the partial
    const bool bounded = p.type() != copas::receive_pattern::kind::count;
    if (bounded && acc.size() > limit) std::abort();
    if (st == attempt_status::too_long && (!bounded || acc.size() != limit)) std::abort();
    if (p.type() == copas::receive_pattern::kind::line) {
      if (acc.find('\n') != std::string::npos || acc.find('\r') != std::string::npos) std::abort();
      out += acc;
      if (st == attempt_status::done) out += '\n';
    } else {
      if (p.type() == copas::receive_pattern::kind::count && st == attempt_status::done &&
          acc.size() != p.count())
        std::abort();
      out += acc;
    }
    if (st == attempt_status::closed) break;
    if (st != attempt_status::done && st != attempt_status::too_long) std::abort();
  }
  if (out != expected) std::abort();
  return 0;
}
