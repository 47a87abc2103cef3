// thread_offload [N]: counts the primes below N (default 5,000,000) on a worker thread while the
// dispatcher keeps a ticker fiber running.
//
// A fiber must never block its thread: a CPU-bound computation or a blocking library call would
// stall every other fiber. copas::async::addthread runs the function on a worker thread and
// returns a future at once; get() parks only the calling fiber, and the answer comes back to it
// on the dispatcher's thread.
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

long count_primes_below(long n) {
  long count = 0;
  for (long i = 2; i < n; ++i) {
    bool prime = true;
    for (long d = 2; d * d <= i; ++d) {
      if (i % d == 0) {
        prime = false;
        break;
      }
    }
    count += prime ? 1 : 0;
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 5'000'000;
  const auto start = copas::clock::now();
  auto at = [&] { return copas::to_seconds(copas::clock::now() - start); };
  int ticks = 0;
  bool done = false;
  copas::loop([&] {
    copas::addnamedthread("ticker", [&] {
      while (!done) {
        copas::pause(0.1);
        ++ticks;
      }
    });
    auto future = copas::async::addthread([n] { return count_primes_below(n); });
    std::printf("%6.3f s  counting primes below %ld on a worker thread\n", at(), n);
    auto primes = future.get();  // only this fiber waits
    done = true;
    if (!primes) {
      std::fprintf(stderr, "thread_offload: %s\n", primes.error().message().c_str());
      return;
    }
    std::printf("%6.3f s  %ld primes; the ticker ticked %d times meanwhile\n", at(),
                std::get<0>(*primes), ticks);
  });
}
