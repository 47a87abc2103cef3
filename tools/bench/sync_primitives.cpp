// bench_sync_primitives: copas::lock / semaphore / queue against the same pattern on Boost.Fiber.
//
//   bench_sync_primitives [--scale N]   (N divides the iteration counts; default 1)
//
// Each line: the copas figure, the Boost.Fiber figure measured in the same run, and their ratio
// (copas / boost; lower is better, the target is <= 1.5). The Boost baseline runs on its own OS
// thread with Boost's round_robin scheduler; copas runs on its dispatcher (libevent-backed).
#include <copas/core.hpp>
#include <copas/sync.hpp>

#include <boost/fiber/all.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>

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

void report(const char* what, const char* unit, double copas_v, double boost_v) {
  std::printf("%-44s copas %10.1f %s   boost.fiber %10.1f %s   ratio %.2f\n", what, copas_v, unit,
              boost_v, unit, copas_v / boost_v);
}

// Two fibers contend for one lock: lock; yield while holding; unlock. In copas every acquisition
// after the first is a FIFO hand-off to the waiting fiber (Copas's semantics); Boost's mutex lets
// the releasing fiber take it straight back (barging), so the other one mostly re-parks.
// Figure: ns per acquisition.
void lock_hand_off(long n) {
  double copas_ns = 0;
  bench_clock::time_point start;
  int done = 0;
  copas::loop([&] {
    copas::lock l(copas::forever);
    start = bench_clock::now();
    for (int f = 0; f < 2; ++f) {
      copas::addthread([&, l]() mutable {
        for (long i = 0; i < n; ++i) {
          l.get();
          copas::pause(0);
          l.release();
        }
        if (++done == 2) copas_ns = elapsed_ns(start) / (2.0 * n);
      });
    }
  });
  const double boost_ns = on_boost_thread([n] {
    boost::fibers::mutex m;
    const auto start = bench_clock::now();
    auto body = [&] {
      for (long i = 0; i < n; ++i) {
        m.lock();
        boost::this_fiber::yield();
        m.unlock();
      }
    };
    boost::fibers::fiber a(body), b(body);
    a.join();
    b.join();
    return elapsed_ns(start) / (2.0 * n);
  });
  report("lock hand-off, 2 fibers (per acquisition)", "ns", copas_ns, boost_ns);
}

// Context for the lock figure: the same two fibers only yielding (copas::pause(0) against
// boost::this_fiber::yield), i.e. the scheduler's share of every hand-off. Figure: ns per yield.
void yield_context(long n) {
  double copas_ns = 0;
  bench_clock::time_point start;
  int done = 0;
  copas::loop([&] {
    start = bench_clock::now();
    for (int f = 0; f < 2; ++f) {
      copas::addthread([&] {
        for (long i = 0; i < n; ++i) copas::pause(0);
        if (++done == 2) copas_ns = elapsed_ns(start) / (2.0 * n);
      });
    }
  });
  const double boost_ns = on_boost_thread([n] {
    const auto start = bench_clock::now();
    auto body = [n] {
      for (long i = 0; i < n; ++i) boost::this_fiber::yield();
    };
    boost::fibers::fiber a(body), b(body);
    a.join();
    b.join();
    return elapsed_ns(start) / (2.0 * n);
  });
  report("(context) yield only, 2 fibers (per yield)", "ns", copas_ns, boost_ns);
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
// Figure: ns per take/give pair.
void semaphore_ping_pong(long n) {
  double copas_ns = 0;
  bench_clock::time_point start;
  copas::loop([&] {
    copas::semaphore ping(1), pong(1);
    start = bench_clock::now();
    copas::addthread([n, ping, pong]() mutable {
      for (long i = 0; i < n; ++i) {
        ping.give();
        pong.take(1, copas::forever);
      }
    });
    copas::addthread([&, ping, pong]() mutable {
      for (long i = 0; i < n; ++i) {
        ping.take(1, copas::forever);
        pong.give();
      }
      copas_ns = elapsed_ns(start) / (2.0 * n);
    });
  });
  const double boost_ns = on_boost_thread([n] {
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
  report("semaphore take/give ping-pong (per pair)", "ns", copas_ns, boost_ns);
}

// One producer, four workers, n items. Figure: ns per item, from the first push to the last item
// handled. copas::queue is unbounded (Copas's); the channel holds 1024 items.
void queue_throughput(long n) {
  double copas_ns = 0;
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
    copas_ns = elapsed_ns(start) / static_cast<double>(n);
  });
  long boost_handled = 0;
  const double boost_ns = on_boost_thread([n, &boost_handled] {
    boost::fibers::buffered_channel<long> ch(1024);
    const auto start = bench_clock::now();
    std::vector<boost::fibers::fiber> workers;
    for (int w = 0; w < 4; ++w) {
      workers.emplace_back([&] {
        long item;
        while (ch.pop(item) == boost::fibers::channel_op_status::success) ++boost_handled;
      });
    }
    for (long i = 0; i < n; ++i) ch.push(i);
    ch.close();
    for (auto& f : workers) f.join();
    return elapsed_ns(start) / static_cast<double>(n);
  });
  if (handled != n || boost_handled != n) {
    std::fprintf(stderr, "lost items: copas %ld, boost %ld of %ld\n", handled, boost_handled, n);
    std::exit(1);
  }
  report("queue push/pop, 1 producer + 4 workers (per item)", "ns", copas_ns, boost_ns);
}

}  // namespace

int main(int argc, char** argv) {
  long scale = 1;
  if (argc == 3 && std::strcmp(argv[1], "--scale") == 0) scale = std::atol(argv[2]);
  if (scale < 1) scale = 1;
  lock_hand_off(500'000 / scale);
  yield_context(500'000 / scale);
  semaphore_ping_pong(500'000 / scale);
  queue_throughput(1'000'000 / scale);
  return 0;
}
