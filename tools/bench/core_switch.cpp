// Switch and spawn cost of copas fibers, beside Boost.Fiber and raw Boost.Context measured in the
// same run. Prints each figure and its ratio to the baseline.
//
//   bench_core_switch [--benchmark_min_time=0.5]
//
// 1. switch: two fibers ping-ponging through copas::pause(0), ns per switch, beside two plain
//    Boost.Fiber fibers ping-ponging through boost::this_fiber::yield() (default round-robin
//    scheduler, on its own thread) and two raw boost::context::fiber resuming each other.
// 2. spawn: addthread + run to completion + reap, ns per fiber, default (guarded, pooled) stack,
//    beside boost::fibers::fiber with Boost's protected_fixedsize_stack (a fresh guarded mmap).

#include <copas/core.hpp>

#include <benchmark/benchmark.h>
#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/fiber/all.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono;

constexpr long switches_per_run = 1'000'000;

// Runs `fn` on a fresh OS thread (so that Boost.Fiber baselines get the default scheduler, not the
// dispatcher's) and returns its wall time.
template <class F>
double timed_on_thread(F fn) {
  double seconds = 0;
  std::thread t([&] {
    auto t0 = steady_clock::now();
    fn();
    seconds = duration<double>(steady_clock::now() - t0).count();
  });
  t.join();
  return seconds;
}

void copas_pause_pingpong(benchmark::State& state) {
  for (auto _ : state) {
    state.SetIterationTime(timed_on_thread([] {
      copas::loop([] {
        for (int f = 0; f < 2; ++f)
          copas::addthread([] {
            for (long i = 0; i < switches_per_run / 2; ++i) copas::pause(0);
          });
      });
    }));
  }
  state.SetItemsProcessed(state.iterations() * switches_per_run);
}

void boost_fiber_yield_pingpong(benchmark::State& state) {
  for (auto _ : state) {
    state.SetIterationTime(timed_on_thread([] {
      boost::fibers::fiber a([] {
        for (long i = 0; i < switches_per_run / 2; ++i) boost::this_fiber::yield();
      });
      boost::fibers::fiber b([] {
        for (long i = 0; i < switches_per_run / 2; ++i) boost::this_fiber::yield();
      });
      a.join();
      b.join();
    }));
  }
  state.SetItemsProcessed(state.iterations() * switches_per_run);
}

void raw_context_pingpong(benchmark::State& state) {
  namespace ctx = boost::context;
  for (auto _ : state) {
    auto t0 = steady_clock::now();
    ctx::fiber other{[](ctx::fiber&& main) {
      for (;;) main = std::move(main).resume();
      return std::move(main);
    }};
    for (long i = 0; i < switches_per_run / 2; ++i) other = std::move(other).resume();
    state.SetIterationTime(duration<double>(steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(other);
  }
  state.SetItemsProcessed(state.iterations() * switches_per_run);
}

constexpr long spawns_per_run = 100'000;

void copas_spawn(benchmark::State& state) {
  for (auto _ : state) {
    state.SetIterationTime(timed_on_thread([] {
      // Steady state: batches of 100 fibers are spawned, run and reaped, so stacks are reused.
      copas::loop([] {
        for (long i = 0; i < spawns_per_run; ++i) {
          copas::addthread([] {});
          if (i % 100 == 99) copas::pause();
        }
      });
    }));
  }
  state.SetItemsProcessed(state.iterations() * spawns_per_run);
}

void boost_protected_spawn(benchmark::State& state) {
  for (auto _ : state) {
    state.SetIterationTime(timed_on_thread([] {
      std::vector<boost::fibers::fiber> batch;
      for (long i = 0; i < spawns_per_run; ++i) {
        batch.emplace_back(std::allocator_arg,
                           boost::context::protected_fixedsize_stack(128 * 1024), [] {});
        if (i % 100 == 99) {
          for (auto& f : batch) f.join();
          batch.clear();
        }
      }
    }));
  }
  state.SetItemsProcessed(state.iterations() * spawns_per_run);
}

BENCHMARK(copas_pause_pingpong)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(boost_fiber_yield_pingpong)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(raw_context_pingpong)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(copas_spawn)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(boost_protected_spawn)->UseManualTime()->Unit(benchmark::kMillisecond);

// Keeps the console output and remembers ns per item of each benchmark for the ratio lines.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> ns_per_item;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (auto& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end() && it->second.value > 0)
        ns_per_item[r.benchmark_name()] = 1e9 / it->second.value;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto& m = reporter.ns_per_item;
  auto line = [&](const char* what, const std::string& ours, const std::string& base,
                  const char* target) {
    if (!m.count(ours) || !m.count(base)) return;
    std::printf("%-34s %9.1f ns   baseline %-28s %9.1f ns   ratio %5.2fx  (target %s)\n", what,
                m[ours], base.c_str(), m[base], m[ours] / m[base], target);
  };
  std::printf("\n");
  line("switch: copas::pause(0)", "copas_pause_pingpong/manual_time",
       "boost_fiber_yield_pingpong/manual_time", "<= 2x Boost.Fiber yield");
  line("switch: copas::pause(0)", "copas_pause_pingpong/manual_time",
       "raw_context_pingpong/manual_time", "information");
  line("spawn+run+reap: copas::addthread", "copas_spawn/manual_time",
       "boost_protected_spawn/manual_time", "< 1000 ns absolute");
  return 0;
}
