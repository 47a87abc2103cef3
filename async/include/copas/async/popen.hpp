#pragma once
// copas::async::io_popen: Lua's io.popen whose reads and writes park only the calling fiber.
//
//   auto fd = copas::async::io_popen("for x in 1 2 3 4; do echo $x; done");
//   for (const std::string& line : fd.lines()) std::cout << line << '\n';
//   auto st = fd.close();            // st->ok, st->kind == "exit", st->code == 0
//
// The command runs as `/bin/sh -c command` in its own process group; in mode "r" its standard
// output is a pipe to us, in mode "w" its standard input is. No worker thread is involved in
// reading or writing: the pipe is non-blocking and driven by the dispatcher (each wait is a
// wait_kind::read / write park, so it keeps the loop alive); only close() borrows a worker to
// wait for the child.
//
// Differences from copas-async (each a fix of one of its quirks):
// - a failure to start the shell is reported by every operation (`spawn failed: <reason>`);
// - a bad read format throws std::invalid_argument at once instead of hanging the task;
// - write() returns success or the write error instead of hanging;
// - operations from several fibers on one descriptor are served one at a time, in order;
// - a descriptor destroyed without close() closes its pipe and reaps the child in the background
//   (the command is not killed: it sees end of file or a broken pipe);
// - only "r"/"rb" read; "w"/"wb" write; any other mode throws std::invalid_argument
//   ("bad argument #2 to 'popen' (invalid mode)").
// SIGPIPE: this process's disposition is never changed. A write into a pipe whose reader has
// gone returns "Broken pipe" (the signal it raises is blocked and consumed on the writing
// thread). The command runs with SIGPIPE ignored, as in a Copas program (where LuaSocket ignores
// it): a shell whose reader has gone reports write errors and carries on rather than dying.

#include <copas/async/execute.hpp>
#include <copas/core/error.hpp>

#include <sys/types.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <copas/core/api_prefix.hpp>

namespace copas::async {

// A number as Lua 5.4 reads one: an integer, or a float.
using number = std::variant<std::int64_t, double>;

// Lua's read formats ("*l"/"l", "*L"/"L", "*a"/"a", "*n"/"n", or a byte count).
class read_format {
 public:
  enum kind_t {
    line,       // one line without its "\n"; end of file: no value
    line_keep,  // one line with its "\n" (the last line may lack it); end of file: no value
    all,        // everything up to end of file; "" at end of file (never no value)
    count,      // up to n bytes (fewer only at end of file); end of file: no value
    number,     // a numeral, as Lua's tostring prints it ("31" for 0x1F); none there: no value
                // (see descriptor::read_number)
  };

  // NOLINTNEXTLINE(google-explicit-constructor): implicit, read(read_format::all)
  read_format(kind_t k) noexcept : kind_(k) {}
  template <std::integral N>
  // NOLINTNEXTLINE(google-explicit-constructor): read(4096)
  read_format(N n) noexcept : kind_(count), n_(static_cast<std::size_t>(n)) {}
  // Lua spelling; throws std::invalid_argument "bad argument #1 to 'read' (invalid format)".
  read_format(const char* lua);  // NOLINT(google-explicit-constructor): read("l")

  kind_t kind() const noexcept { return kind_; }
  std::size_t size() const noexcept { return n_; }

 private:
  kind_t kind_ = line;
  std::size_t n_ = 0;
};

class descriptor {
 public:
  descriptor(descriptor&&) noexcept;
  descriptor& operator=(descriptor&&) noexcept;
  ~descriptor();

  // The longest line read(line) accepts: past it, read returns errc::oversized ("oversized") and
  // keeps the data buffered (read a byte count to drain it). Other formats are bounded by what
  // the caller asks for.
  static constexpr std::size_t max_line = 64u * 1024 * 1024;

  // Reads per `format`, parking the calling fiber while the pipe is empty. No value (nullopt) is
  // Lua's nil at end of file. Errors: errc::not_readable ("Pipe not open for reading") in mode
  // "w", "closed" after close(), the spawn failure, or the system error of read().
  copas::result<std::optional<std::string>> read(read_format format = read_format::line);

  // Lua 5.4's read("n"): skips white space, then reads the longest prefix that looks like a
  // numeral (decimal or "0x" hexadecimal, with fraction and exponent) and converts it as Lua
  // does: an integer if it is one that fits, else a float ("1e3", "0x1p4", "2." are floats; a
  // decimal integer too large for int64 becomes a float; hexadecimal wraps around; "inf" and
  // "nan" are not numbers). No value (Lua's fail) when there is no number there, including at
  // end of file. As in Lua, what was read past stays consumed even then: "-x" loses the '-',
  // "0x" and "1e" are consumed and give no value; the first character that cannot continue a
  // numeral (the "abc" of "12abc") is left for the next read.
  copas::result<std::optional<number>> read_number();

  // Writes all of `data`, parking while the pipe is full. Errors: errc::not_writable ("Pipe not
  // open for writing") in mode "r", "closed", the spawn failure, or the system error of write()
  // (EPIPE, "Broken pipe", once the command has stopped reading).
  copas::result<void> write(std::string_view data);

  // Lines until end of file (or the first error), as read(line) returns them.
  class line_range;
  line_range lines();

  // Closes the pipe and waits (parking this fiber) for the command to end; returns its status as
  // Lua 5.2+'s pclose: {true, "exit", 0}, {false, "exit", n} or {false, "signal", signo}.
  // Error "closed" if already closed, or the spawn failure.
  copas::result<exit_status> close();

  // Not supported by copas-async either: errc::not_available ("Not available.").
  copas::result<void> flush();
  copas::result<void> seek();
  copas::result<void> setvbuf();

  // The command's process id (its process group id too); -1 if it could not be started.
  pid_t pid() const noexcept;

  struct impl;

 private:
  friend descriptor io_popen(std::string command, std::string_view mode);
  explicit descriptor(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

class descriptor::line_range {
 public:
  class iterator {
   public:
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(descriptor* d) : d_(d) { ++*this; }
    const std::string& operator*() const noexcept { return line_; }
    iterator& operator++() {
      auto r = d_->read(read_format::line);
      if (r && *r)
        line_ = std::move(**r);
      else
        d_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, std::default_sentinel_t) noexcept {
      return a.d_ == nullptr;
    }

   private:
    descriptor* d_ = nullptr;
    std::string line_;
  };
  explicit line_range(descriptor* d) : d_(d) {}
  iterator begin() { return iterator(d_); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  descriptor* d_;
};

inline descriptor::line_range descriptor::lines() { return line_range(this); }

// Starts `command` and returns its descriptor at once (the command runs concurrently). Call on a
// thread with a dispatcher; use the descriptor on that thread.
descriptor io_popen(std::string command, std::string_view mode = "r");

}  // namespace copas::async

#include <copas/core/api_suffix.hpp>
