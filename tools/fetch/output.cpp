#include "output.hpp"

#include <copas/core/time.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace copas::fetch {

output::output(std::string path, bool create_dirs, bool append)
    : path_(std::move(path)), create_dirs_(create_dirs), append_(append) {}

output::~output() {
  if (f_) std::fclose(f_);
}

bool output::open() {
  if (f_ || is_stdout()) return true;
  if (create_dirs_) {
    std::error_code ec;
    auto dir = std::filesystem::path(path_).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  }
  f_ = std::fopen(path_.c_str(), append_ ? "ab" : "wb");
  if (!f_) {
    error = "Failed to open the file " + path_ + ": " + std::strerror(errno);
    return false;
  }
  // Bodies arrive in chunks of up to 64 KiB: unbuffered, each is one write(); stdio's 4 KiB
  // buffer would split every chunk into two.
  std::setvbuf(f_, nullptr, _IONBF, 0);
  return true;
}

bool output::write(std::string_view bytes) {
  if (bytes.empty()) return true;
  if (!open()) return false;
  std::FILE* to = f_ ? f_ : stdout;
  if (std::fwrite(bytes.data(), 1, bytes.size(), to) != bytes.size()) {
    error = "Failure writing output to destination";
    return false;
  }
  written_ += bytes.size();
  if (meter) meter->add_bytes(bytes.size());
  return true;
}

bool output::finish() {
  if (!open()) return false;
  std::fflush(f_ ? f_ : stdout);
  return true;
}

void output::reset() {
  if (f_) {
    std::fclose(f_);
    f_ = nullptr;
    if (!append_) std::filesystem::remove(path_);
  }
  written_ = 0;
}

ltn12::sink output::sink() {
  return [this](ltn12::chunk c, const std::optional<copas::error>&) -> result<void> {
    if (c && !write(*c)) return copas::error(copas::errc::closed, error);
    return {};
  };
}

void progress::add_bytes(std::uint64_t n) {
  if (!on_) return;
  double now = copas::gettime();
  if (start_ < 0) start_ = now;
  bytes_ += n;
  if (now - last_draw_ >= 0.2) draw(false);
}

void progress::finish() {
  if (on_ && start_ >= 0) draw(true);
}

void progress::draw(bool last) {
  double now = copas::gettime();
  last_draw_ = now;
  std::string line = "\r";
  if (total_ > 0) {
    double frac = std::min(1.0, static_cast<double>(bytes_) / static_cast<double>(total_));
    int width = 60;
    int n = static_cast<int>(frac * width);
    char pct[16];
    std::snprintf(pct, sizeof pct, " %5.1f%%", frac * 100);
    line += std::string(n, '#') + std::string(width - n, ' ') + pct;
  } else {
    double elapsed = now - start_;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%llu bytes  %.0f B/s", static_cast<unsigned long long>(bytes_),
                  elapsed > 0 ? static_cast<double>(bytes_) / elapsed : 0.0);
    line += buf;
  }
  std::cerr << line << (last ? "\n" : "") << std::flush;
}

}  // namespace copas::fetch
