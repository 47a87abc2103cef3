// The pieces every scheme shares: error line, output sink, progress bar.
#include "fetch.hpp"

#include <copas/core/time.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace copas::fetch {

std::map<std::string, scheme_runner>& schemes() {
  static std::map<std::string, scheme_runner> all;
  return all;
}

int fail(const options& o, int code, const std::string& message) {
  if (!o.silent) std::cerr << "copas-fetch: (" << code << ") " << message << "\n";
  return code;
}

ltn12::sink output_sink(const options& o, std::string& error) {
  if (o.output.empty() || o.output == "-")
    return [](ltn12::chunk c, const std::optional<copas::error>&) -> result<void> {
      if (c && std::fwrite(c->data(), 1, c->size(), stdout) != c->size())
        return copas::error(errc::closed, "failed writing to stdout");
      if (!c) std::fflush(stdout);
      return {};
    };
  std::FILE* f = std::fopen(o.output.c_str(), "wb");
  if (!f) error = "cannot open " + o.output + " for writing";
  // Bodies arrive in chunks of up to 64 KiB: unbuffered, each is one write(); stdio's 4 KiB
  // buffer would split every chunk into two.
  else std::setvbuf(f, nullptr, _IONBF, 0);
  return ltn12::sink::file(f, error);
}

bool progress_wanted(const options& o) {
  if (o.silent || o.verbose) return false;
  if (o.progress) return *o.progress;
  return ::isatty(2) && !o.output.empty() && o.output != "-";
}

ltn12::sink progress::wrap(ltn12::sink sink) {
  if (!on_) return sink;
  start_ = last_draw_ = copas::gettime();
  return [this, sink = std::move(sink)](ltn12::chunk c, const std::optional<copas::error>& e) -> result<void> {
    if (c) {
      bytes_ += c->size();
      if (copas::gettime() - last_draw_ >= 0.1) draw(false);
    }
    return sink(std::move(c), e);
  };
}

namespace {
std::string human(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", bytes, units[u]);
  return buf;
}
}  // namespace

void progress::draw(bool last) {
  double now = copas::gettime();
  last_draw_ = now;
  double elapsed = now - start_;
  double rate = elapsed > 0 ? static_cast<double>(bytes_) / elapsed : 0;
  std::string line = "\r";
  if (total_ && *total_ > 0) {
    int pct = static_cast<int>(100.0 * static_cast<double>(bytes_) / static_cast<double>(*total_));
    int bar = pct * 30 / 100;
    line += "[" + std::string(bar, '#') + std::string(30 - bar, ' ') + "] " + std::to_string(pct) + "% ";
  }
  line += human(static_cast<double>(bytes_)) + "  " + human(rate) + "/s";
  if (total_ && rate > 0 && *total_ > bytes_) {
    int eta = static_cast<int>(static_cast<double>(*total_ - bytes_) / rate);
    char buf[32];
    std::snprintf(buf, sizeof buf, "  ETA %02d:%02d", eta / 60, eta % 60);
    line += buf;
  }
  line += "   ";
  std::cerr << line << (last ? "\n" : "") << std::flush;
}

void progress::finish() {
  if (on_) draw(true);
}

}  // namespace copas::fetch
