// Memory per parked fiber and idle CPU cost, beside plain Boost.Fiber in the same run.
//
//   bench_core_footprint [fibers=100000] [idle_fibers=10000] [idle_seconds=3]
//
// memory: resident memory per fiber for N fibers parked in copas::pauseforever() with the default
// stack, beside N plain Boost.Fiber fibers (default 128 KiB fixedsize_stack) parked on a
// condition variable. Target: under 16 KiB each.
// idle:   CPU time used by a loop whose fibers each pause 1 s, over a few seconds, as % of one
// core, beside the same with boost::this_fiber::sleep_for on Boost's default scheduler.
// Target: under 5 %.

#include <copas/core.hpp>

#include <boost/fiber/all.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

namespace {

double resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024.0);
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double copas_kib_per_fiber(int n) {
  double per = 0;
  std::thread t([&] {
    copas::dispatcher::current();
    double before = resident_kib();
    std::vector<copas::thread> fibers;
    fibers.reserve(n);
    copas::loop([&] {
      for (int i = 0; i < n; ++i) fibers.push_back(copas::addthread([] { copas::pauseforever(); }));
      copas::pause();  // all parked now
      per = (resident_kib() - before) / n;
      copas::cancelall();
    });
  });
  t.join();
  return per;
}

double boost_kib_per_fiber(int n) {
  double per = 0;
  std::thread t([&] {
    boost::fibers::mutex m;
    boost::fibers::condition_variable cv;
    bool go = false;
    double before = resident_kib();
    std::vector<boost::fibers::fiber> fibers;
    fibers.reserve(n);
    for (int i = 0; i < n; ++i)
      fibers.emplace_back([&] {
        std::unique_lock lk(m);
        cv.wait(lk, [&] { return go; });
      });
    boost::this_fiber::yield();
    per = (resident_kib() - before) / n;
    {
      std::unique_lock lk(m);
      go = true;
    }
    cv.notify_all();
    for (auto& f : fibers) f.join();
  });
  t.join();
  return per;
}

double copas_idle_percent(int n, double seconds) {
  double pct = 0;
  std::thread t([&] {
    bool stop = false;  // outlives the initializer, which ends first
    copas::loop([&] {
      for (int i = 0; i < n; ++i)
        copas::addthread([&] {
          while (!stop) copas::pause(1);
        });
      copas::pause(1.5);  // let the spawning settle
      double c0 = cpu_seconds();
      copas::pause(seconds);
      pct = (cpu_seconds() - c0) / seconds * 100;
      stop = true;
    });
  });
  t.join();
  return pct;
}

double boost_idle_percent(int n, double seconds) {
  double pct = 0;
  std::thread t([&] {
    bool stop = false;
    std::vector<boost::fibers::fiber> fibers;
    for (int i = 0; i < n; ++i)
      fibers.emplace_back([&] {
        while (!stop) boost::this_fiber::sleep_for(std::chrono::seconds(1));
      });
    boost::this_fiber::sleep_for(std::chrono::milliseconds(1500));
    double c0 = cpu_seconds();
    boost::this_fiber::sleep_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
    pct = (cpu_seconds() - c0) / seconds * 100;
    stop = true;
    for (auto& f : fibers) f.join();
  });
  t.join();
  return pct;
}

}  // namespace

int main(int argc, char** argv) {
  int fibers = argc > 1 ? std::atoi(argv[1]) : 100000;
  int idle_fibers = argc > 2 ? std::atoi(argv[2]) : 10000;
  double idle_seconds = argc > 3 ? std::atof(argv[3]) : 3;

  double ours = copas_kib_per_fiber(fibers);
  double base = boost_kib_per_fiber(fibers);
  std::printf(
      "memory: %d parked fibers: copas %.1f KiB/fiber   baseline Boost.Fiber %.1f KiB/fiber"
      "   ratio %.2fx  (target < 16 KiB)\n",
      fibers, ours, base, ours / base);

  double idle = copas_idle_percent(idle_fibers, idle_seconds);
  double idle_base = boost_idle_percent(idle_fibers, idle_seconds);
  std::printf(
      "idle: %d fibers pausing 1 s: copas %.2f%% of a core   baseline Boost.Fiber sleep_for "
      "%.2f%%   ratio %.2fx  (target < 5%%)\n",
      idle_fibers, idle, idle_base, idle_base > 0 ? idle / idle_base : 0.0);
  return 0;
}
