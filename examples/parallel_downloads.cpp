// parallel_downloads URL...: fetches every URL at once, one fiber each, and prints what each got.
//
//   $ ./parallel_downloads http://localhost/ https://localhost:8443/big.iso
//
// copas::http::request blocks only its own fiber, so N downloads run concurrently on one thread;
// the whole run takes as long as the slowest, not the sum. The body goes to a counting sink
// rather than memory, so a large file costs nothing but its buffer.
#include <copas/core.hpp>
#include <copas/http.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parallel_downloads URL...\n");
    return 2;
  }
  const auto start = copas::clock::now();
  int failures = 0;
  copas::loop([&] {
    for (int i = 1; i < argc; ++i) {
      std::string url = argv[i];
      copas::addthread([&failures, start, url] {
        std::size_t bytes = 0;
        copas::ltn12::sink count = [&bytes](copas::ltn12::chunk c,
                                            const auto&) -> copas::result<void> {
          if (c) bytes += c->size();
          return {};
        };
        auto r = copas::http::request({.url = url, .sink = count});
        double t = copas::to_seconds(copas::clock::now() - start);
        if (r) {
          std::printf("%6.3f s  %d  %9zu bytes  %s\n", t, r->code, bytes, url.c_str());
        } else {
          std::fprintf(stderr, "%6.3f s  failed: %s  %s\n", t, r.error().message().c_str(),
                       url.c_str());
          ++failures;
        }
      });
    }
  });
  return failures == 0 ? 0 : 1;
}
