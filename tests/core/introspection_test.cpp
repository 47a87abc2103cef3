// copas::fibers() and dump(), the watchdog, and the leak ledger.
#include <copas/core.hpp>

#include "ledger_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using testing::HasSubstr;

namespace {

const copas::fiber_info* find(const std::vector<copas::fiber_info>& all, const std::string& name) {
  for (const auto& f : all)
    if (f.name == name) return &f;
  return nullptr;
}

// A named socket for the core alone: what a net socket looks like to park().
struct named_socket final : copas::socket_ref {
  std::string socket_name() const override { return "db-connection"; }
};

TEST(Fibers, ASnapshotNamesEachFiberItsStateAndWhatItWaitsOn) {
  copas::loop([] {
    named_socket sock;
    copas::wait_queue lock_like("lock");
    copas::addnamedthread("reader", [&] {
      copas::this_thread::park(copas::wait_kind::read, copas::deadline_after(0.3), &sock);
    });
    copas::addnamedthread("sleeper", [] { copas::pause(0.3); });
    copas::addnamedthread("locked", [&] { lock_like.wait(copas::deadline_after(0.3)); });
    copas::addnamedthread("forever", [] { copas::pauseforever(); });
    copas::addnamedthread("busy", [] {
      for (int i = 0; i < 50; ++i) copas::pause();
    });
    copas::pause(0.1);

    auto all = copas::fibers();
    const auto* reader = find(all, "reader");
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->state, copas::fiber_state::waiting);
    EXPECT_EQ(reader->waits_on, "socket 'db-connection' read");
    EXPECT_GE(reader->waiting_seconds, 0.05);
    EXPECT_GE(reader->switches, 1u);
    EXPECT_GT(reader->stack_size, 0u);
    EXPECT_GT(reader->stack_high_water, 0u);
    EXPECT_LE(reader->stack_high_water, reader->stack_size);

    const auto* sleeper = find(all, "sleeper");
    ASSERT_NE(sleeper, nullptr);
    EXPECT_EQ(sleeper->state, copas::fiber_state::sleeping);
    EXPECT_EQ(sleeper->waits_on, "timer");

    ASSERT_NE(find(all, "locked"), nullptr);
    EXPECT_EQ(find(all, "locked")->waits_on, "lock");
    ASSERT_NE(find(all, "forever"), nullptr);
    EXPECT_EQ(find(all, "forever")->waits_on, "forever");
    EXPECT_EQ(find(all, "busy"), nullptr);  // it has ended

    // The caller itself is running.
    auto self = copas::getthreadname();
    ASSERT_NE(find(all, self), nullptr);
    EXPECT_EQ(find(all, self)->state, copas::fiber_state::running);

    std::ostringstream table;
    copas::dump(table);
    EXPECT_THAT(table.str(), HasSubstr("FIBER"));
    EXPECT_THAT(table.str(), HasSubstr("reader"));
    EXPECT_THAT(table.str(), HasSubstr("socket 'db-connection' read"));
    EXPECT_THAT(table.str(), HasSubstr("sleeping"));
  });
}

TEST(Fibers, SwitchesAndCpuTimeAccumulate) {
  bool spun = false;
  std::uint64_t switches = 0;
  double cpu = -1;
  std::thread runner([&] {
    copas::dispatcher::create({.fiber_cpu_time = true});
    copas::loop([&] {
      auto t = copas::addnamedthread("spinner", [&] {
        for (int i = 0; i < 200; ++i) {
          auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
          while (std::chrono::steady_clock::now() < until) {
          }
          copas::pause();
        }
        spun = true;
        copas::pause(60);
      });
      while (!spun) copas::pause(0.01);
      auto all = copas::fibers();
      if (const auto* spinner = find(all, "spinner")) {
        switches = spinner->switches;
        cpu = spinner->cpu_seconds;
      }
      copas::removethread(t);
    });
  });
  runner.join();
  EXPECT_GE(switches, 200u);
  // 200 turns of 200 us: 40 ms on the CPU; the coarse clock's sampling sees a share of its ticks.
  EXPECT_GT(cpu, 0.0);
}

TEST(Fibers, CpuTimeIsOptIn) {
  copas::loop([] {
    auto t = copas::addnamedthread("idle-spinner", [] {
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
      while (std::chrono::steady_clock::now() < until) {
      }
      copas::pause(60);
    });
    copas::pause(0.05);
    auto all = copas::fibers();
    ASSERT_NE(find(all, "idle-spinner"), nullptr);
    EXPECT_EQ(find(all, "idle-spinner")->cpu_seconds, 0.0);
    copas::removethread(t);
  });
}

TEST(Watchdog, ReportsAFiberThatRunsTooLongWithItsNameAndTraceback) {
  std::mutex m;
  std::vector<std::string> reports;
  int line = 0;
  std::thread t([&] {
    copas::dispatcher::create(
        {.watchdog = std::chrono::milliseconds(50), .watchdog_report = [&](const std::string& r) {
           std::lock_guard lock(m);
           reports.push_back(r);
         }});
    copas::loop([&] {
      copas::addnamedthread("hog", [&] {
        // Blocks its thread (a blocking call in a fiber is what a watchdog is for).
        line = __LINE__ + 1;
        for (int i = 0; i < 300; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      });
      copas::addnamedthread("polite", [] {
        for (int i = 0; i < 100; ++i) copas::pause(0.001);
      });
    });
  });
  t.join();
  std::lock_guard lock(m);
  // Exactly one report for the hog's one long turn (a loaded machine may stall the polite fiber's
  // thread too, which the watchdog would rightly report as well).
  std::vector<std::string> hog;
  for (const auto& r : reports)
    if (r.find("fiber 'hog'") != std::string::npos) hog.push_back(r);
  ASSERT_EQ(hog.size(), 1u);
  EXPECT_THAT(hog[0], HasSubstr("copas watchdog: fiber 'hog' has run for"));
  EXPECT_THAT(hog[0], HasSubstr("ms without yielding"));
  EXPECT_THAT(hog[0], HasSubstr("introspection_test.cpp:" + std::to_string(line)));
}

TEST(LeakLedger, ListsAFiberAndAnEntryAliveAtDispatcherEndWithTheirCreationSites) {
  int fiber_line = 0, entry_line = 0;
  const auto report = copas::test::leak_report_of([&] {
    copas::loop([&] {
      fiber_line = __LINE__ + 1;
      copas::addnamedthread("forgotten", [&] {
        entry_line = __LINE__ + 1;
        copas::ledger::entry held("socket", std::string("leaked-socket"));
        copas::pauseforever();  // does not keep the loop alive: the dispatcher ends with it
      });
    });
  });
  EXPECT_THAT(report, HasSubstr("copas: leak ledger: 2 alive at dispatcher end"));
  EXPECT_THAT(report, HasSubstr("fiber 'forgotten' created at"));
  EXPECT_THAT(report, HasSubstr("introspection_test.cpp:" + std::to_string(fiber_line)));
  EXPECT_THAT(report, HasSubstr("socket 'leaked-socket' created at"));
  EXPECT_THAT(report, HasSubstr("introspection_test.cpp:" + std::to_string(entry_line)));
}

TEST(LeakLedger, SaysNothingWhenNothingIsLeft) {
  const auto report = copas::test::leak_report_of(
      [] { copas::loop([] { copas::addthread([] { copas::pause(0.01); }); }); });
  EXPECT_EQ(report, "");
}

}  // namespace
