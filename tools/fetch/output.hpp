#pragma once
// Where a transfer's bytes go: stdout, or a file created only when the first byte comes (curl
// leaves no file behind a failed transfer), appended to for -C; the headers for -D.

#include <copas/net/ltn12/sink.hpp>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace copas::fetch {

class progress;

class output {
 public:
  // path: "" or "-" for stdout. append_from: -C offset (the file is opened for append).
  output(std::string path, bool create_dirs, bool append = false);
  ~output();
  output(const output&) = delete;
  output& operator=(const output&) = delete;

  // Writes bytes; false when they cannot be written (curl's 23).
  bool write(std::string_view bytes);
  // Creates the file even when nothing came (a successful empty body), flushes.
  bool finish();
  // Throws away what was written (a --retry starts again).
  void reset();
  bool is_stdout() const { return path_.empty() || path_ == "-"; }
  const std::string& path() const { return path_; }
  std::uint64_t written() const { return written_; }
  std::string error;          // why write/finish failed
  progress* meter = nullptr;  // counts the bytes written, when set

  // An ltn12 sink over write().
  ltn12::sink sink();

 private:
  bool open();
  std::string path_;
  bool create_dirs_, append_;
  std::FILE* f_ = nullptr;
  std::uint64_t written_ = 0;
};

// A progress bar on stderr for one or more transfers (-#, or a terminal): bytes, rate, ETA.
class progress {
 public:
  explicit progress(bool on) : on_(on) {}
  void add_expected(std::uint64_t n) { total_ += n; }
  void add_bytes(std::uint64_t n);
  void finish();
  bool on() const { return on_; }

 private:
  void draw(bool last);
  bool on_;
  std::uint64_t total_ = 0, bytes_ = 0;
  double start_ = -1, last_draw_ = 0;
};

}  // namespace copas::fetch
