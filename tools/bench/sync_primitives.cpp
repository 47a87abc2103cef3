// bench_sync_primitives: copas::lock / semaphore / queue against the same pattern on Boost.Fiber.
//
//   bench_sync_primitives [--scale N] [--runs R] [--only TEXT]
//
// N divides the iteration counts (default 1); R is the number of measured runs per row (default
// 5, odd is best); TEXT runs only the rows whose title contains it (for profiling). Each row first
// runs both sides once, shortened, as a warm-up (stacks, pools, page faults, caches), then
// alternates copas and Boost.Fiber runs R times and prints the median of each side and their ratio
// (copas / boost; lower is better, the target is <= 1.5).
//
// Same pattern on both sides: the same fibers doing the same operations in the same order, with
// the copas calls made the way a Copas program makes them (default timeouts: 10 s, so every
// contended wait has a deadline; Boost's primitives have none). Boost runs on its own OS thread
// with its round_robin scheduler; copas runs on its dispatcher (libevent-backed).
#include <copas/core.hpp>
#include <copas/sync.hpp>

#include <boost/fiber/all.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

namespace {

using bench_clock = std::chrono::steady_clock;

double elapsed_ns(bench_clock::time_point start) {
  return std::chrono::duration<double, std::nano>(bench_clock::now() - start).count();
}

// Runs fn on a fresh OS thread, so Boost.Fiber uses its own default scheduler there.
double on_boost_thread(const std::function<double()>& fn) {
  double ns = 0;
  std::thread t([&] { ns = fn(); });
  t.join();
  return ns;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "bench_sync_primitives: %s\n", what);
  std::exit(1);
}

int runs = 5;
const char* only = "";

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One row: warm both sides up on n / 10 iterations, then alternate full runs (so that machine
// noise hits both sides alike) and report the medians. Each side returns ns per operation.
void row(const char* what, long n, const std::function<double(long)>& copas_side,
         const std::function<double(long)>& boost_side) {
  if (!std::strstr(what, only)) return;
  copas_side(std::max(1L, n / 10));
  boost_side(std::max(1L, n / 10));
  std::vector<double> c, b;
  for (int r = 0; r < runs; ++r) {
    c.push_back(copas_side(n));
    b.push_back(boost_side(n));
  }
  const double cm = median(c), bm = median(b);
  std::printf("%-52s copas %8.1f ns   boost.fiber %8.1f ns   ratio %.2f\n", what, cm, bm, cm / bm);
  std::fflush(stdout);
}

// Counts how often the lock changes hands; both sides must show the same strict alternation,
// or they would not be measuring the same thing.
struct hand_off_count {
  int last = -1;
  long hand_offs = 0;
  void acquired_by(int who) {
    if (last != -1 && last != who) ++hand_offs;
    last = who;
  }
  void expect_alternation(long n) const {
    if (hand_offs != 2 * n - 1) fail("the lock did not alternate between the two fibers");
  }
};

// Two fibers contend for one lock: get; yield while holding; release; yield. The yield after
// release lets the woken waiter run, so on Boost too (whose mutex lets a releasing fiber take it
// straight back) every acquisition is a hand-off to the fiber that was parked waiting for it.
// `timeout` is the copas get() argument (nullopt: the default 10 s). Figure: ns per acquisition.
double copas_lock_hand_off(long n, std::optional<double> timeout) {
  double ns = 0;
  hand_off_count count;
  bench_clock::time_point start;  // out here: the fibers outlive the loop body
  int done = 0;
  copas::loop([&] {
    copas::lock l(timeout);  // get() then waits with this default
    start = bench_clock::now();
    for (int f = 0; f < 2; ++f) {
      copas::addthread([&, f, l]() mutable {
        for (long i = 0; i < n; ++i) {
          if (!l.get()) fail("copas lock get failed");
          count.acquired_by(f);
          copas::pause(0);
          l.release();
          copas::pause(0);
        }
        if (++done == 2) ns = elapsed_ns(start) / (2.0 * n);
      });
    }
  });
  count.expect_alternation(n);
  return ns;
}

double boost_lock_hand_off(long n) {
  hand_off_count count;
  const double ns = on_boost_thread([n, &count] {
    boost::fibers::mutex m;
    const auto start = bench_clock::now();
    auto body = [&](int f) {
      for (long i = 0; i < n; ++i) {
        m.lock();
        count.acquired_by(f);
        boost::this_fiber::yield();
        m.unlock();
        boost::this_fiber::yield();
      }
    };
    boost::fibers::fiber a(body, 0), b(body, 1);
    a.join();
    b.join();
    return elapsed_ns(start) / (2.0 * n);
  });
  count.expect_alternation(n);
  return ns;
}

// Context for the lock figure: the same two fibers only yielding (copas::pause(0) against
// boost::this_fiber::yield), i.e. the scheduler's share of every hand-off. Figure: ns per yield.
double copas_yield(long n) {
  double ns = 0;
  bench_clock::time_point start;  // out here: the fibers outlive the loop body
  int done = 0;
  copas::loop([&] {
    start = bench_clock::now();
    for (int f = 0; f < 2; ++f) {
      copas::addthread([&] {
        for (long i = 0; i < n; ++i) copas::pause(0);
        if (++done == 2) ns = elapsed_ns(start) / (2.0 * n);
      });
    }
  });
  return ns;
}

double boost_yield(long n) {
  return on_boost_thread([n] {
    const auto start = bench_clock::now();
    auto body = [n] {
      for (long i = 0; i < n; ++i) boost::this_fiber::yield();
    };
    boost::fibers::fiber a(body), b(body);
    a.join();
    b.join();
    return elapsed_ns(start) / (2.0 * n);
  });
}

// A counting semaphore the usual way on Boost.Fiber (it has none): mutex + condition_variable.
class boost_semaphore {
 public:
  void take() {
    std::unique_lock<boost::fibers::mutex> g(m_);
    cv_.wait(g, [&] { return count_ > 0; });
    --count_;
  }
  void give() {
    {
      std::lock_guard<boost::fibers::mutex> g(m_);
      ++count_;
    }
    cv_.notify_one();
  }

 private:
  boost::fibers::mutex m_;
  boost::fibers::condition_variable cv_;
  long count_ = 0;
};

// Ping-pong through two semaphores: each round trip is two gives and two blocking takes.
// `timeout` is the copas take() argument (nullopt: the default 10 s). Figure: ns per take/give
// pair.
double copas_semaphore_ping_pong(long n, std::optional<double> timeout) {
  double ns = 0;
  bench_clock::time_point start;  // out here: the fibers outlive the loop body
  copas::loop([&] {
    copas::semaphore ping(1), pong(1);
    start = bench_clock::now();
    copas::addthread([n, timeout, ping, pong]() mutable {
      for (long i = 0; i < n; ++i) {
        ping.give();
        if (!pong.take(1, timeout)) fail("copas semaphore take failed");
      }
    });
    copas::addthread([&, ping, pong]() mutable {
      for (long i = 0; i < n; ++i) {
        if (!ping.take(1, timeout)) fail("copas semaphore take failed");
        pong.give();
      }
      ns = elapsed_ns(start) / (2.0 * n);
    });
  });
  return ns;
}

double boost_semaphore_ping_pong(long n) {
  return on_boost_thread([n] {
    boost_semaphore ping, pong;
    const auto start = bench_clock::now();
    boost::fibers::fiber a([&] {
      for (long i = 0; i < n; ++i) {
        ping.give();
        pong.take();
      }
    });
    boost::fibers::fiber b([&] {
      for (long i = 0; i < n; ++i) {
        ping.take();
        pong.give();
      }
    });
    a.join();
    b.join();
    return elapsed_ns(start) / (2.0 * n);
  });
}

// One producer, four workers, n items. Figure: ns per item, from the first push to the last item
// handled. copas::queue is unbounded (Copas's): its producer yields every 1024 pushes, where the
// Boost producer blocks on a full 1024-item channel.
double copas_queue(long n) {
  double ns = 0;
  long handled = 0;
  copas::loop([&] {
    copas::queue<long> q;
    for (int w = 0; w < 4; ++w) q.add_worker([&](long) { ++handled; });
    const auto start = bench_clock::now();
    for (long i = 0; i < n; ++i) {
      q.push(i);
      if (i % 1024 == 1023) copas::pause(0);  // let the workers run, like a full channel would
    }
    q.finish(copas::forever);
    ns = elapsed_ns(start) / static_cast<double>(n);
  });
  if (handled != n) fail("copas queue lost items");
  return ns;
}

double boost_queue(long n) {
  long handled = 0;
  const double ns = on_boost_thread([n, &handled] {
    boost::fibers::buffered_channel<long> ch(1024);
    const auto start = bench_clock::now();
    std::vector<boost::fibers::fiber> workers;
    for (int w = 0; w < 4; ++w) {
      workers.emplace_back([&] {
        long item;
        while (ch.pop(item) == boost::fibers::channel_op_status::success) ++handled;
      });
    }
    for (long i = 0; i < n; ++i) ch.push(i);
    ch.close();
    for (auto& f : workers) f.join();
    return elapsed_ns(start) / static_cast<double>(n);
  });
  if (handled != n) fail("boost channel lost items");
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  long scale = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--scale") == 0) scale = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  if (scale < 1) scale = 1;
  if (runs < 1) runs = 1;
  const long n = 200'000 / scale;
  std::printf("median of %d runs after a warm-up; ns per operation\n", runs);
  row(
      "lock hand-off, 2 fibers, get() (10 s default)", n,
      [](long k) { return copas_lock_hand_off(k, std::nullopt); }, boost_lock_hand_off);
  row(
      "lock hand-off, 2 fibers, get(forever)", n,
      [](long k) { return copas_lock_hand_off(k, copas::forever); }, boost_lock_hand_off);
  row(
      "semaphore ping-pong, take() (10 s default)", n,
      [](long k) { return copas_semaphore_ping_pong(k, std::nullopt); }, boost_semaphore_ping_pong);
  row(
      "semaphore ping-pong, take(1, forever)", n,
      [](long k) { return copas_semaphore_ping_pong(k, copas::forever); },
      boost_semaphore_ping_pong);
  row("queue 1 producer + 4 workers (per item)", 5 * n, copas_queue, boost_queue);
  row("(context) yield only, 2 fibers (per yield)", n, copas_yield, boost_yield);
  return 0;
}
