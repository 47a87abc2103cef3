// copas::timer: spec/tests.md §1.8 TM1-TM7, §4 V15, plus #213 (cancel+arm from the callback),
// removal of a timer fiber, the drift of a recurring 10 ms timer over 2 s, and the leak ledger's
// entry for a timer left armed.
#include <copas/sync/timer.hpp>

#include "ledger_report.hpp"
#include "sync_test.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <any>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace copas {
namespace {

using test::since;

TEST(Timer, TM1RecurringWithParams) {
  int runs = 0;
  loop([&] {
    const auto start = clock::now();
    timer t({.recurring = true,
             .delay = 0.5,
             .params = std::string("hello world"),
             .callback = [&](timer& self, std::any& params) {
               EXPECT_EQ(std::any_cast<std::string>(params), "hello world");
               EXPECT_EQ(&params, &self.params());  // the same object each time
               ++runs;
               if (since(start) > 3.3) ADD_FAILURE() << "ran after 3.3 s";
             }});
    pause(3.2);
    EXPECT_EQ(runs, 6);
    EXPECT_TRUE(t.cancel());  // TM3
  });
  EXPECT_EQ(runs, 6);
}

TEST(Timer, TM2InitialDelayThenNotAgain) {
  std::vector<double> fired;
  loop([&] {
    const auto start = clock::now();
    timer t({.delay = 0.2, .initial_delay = 0.1, .callback = [&](timer&, std::any&) {
               fired.push_back(since(start));
             }});
    pause(0.5);
    result<timer> c = t.cancel();  // TM3
    EXPECT_EQ(c.error().message(), "not armed");
  });
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_WAITED(fired[0], 0.1);
}

TEST(Timer, TM4RecurringArmFromItsCallbackIsAlreadyArmed) {
  int runs = 0;
  loop([&] {
    timer({.recurring = true, .delay = 0.1, .callback = [&](timer& self, std::any&) {
             ++runs;
             result<timer> again = self.arm(1);
             EXPECT_EQ(again.error().message(), "already armed");
             EXPECT_TRUE(self.cancel());
           }});
  });
  EXPECT_EQ(runs, 1);
}

TEST(Timer, TM5OneShotRearmsItselfFromItsCallback) {
  std::vector<double> fired;
  loop([&] {
    const auto start = clock::now();
    timer({.delay = 0.1, .callback = [&fired, start](timer& self, std::any&) {
             fired.push_back(since(start));
             if (fired.size() == 1) {
               result<timer> r = self.arm(0.3);
               ASSERT_TRUE(r);
               EXPECT_TRUE(*r == self);
             }
           }});
  });
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_WAITED(fired[0], 0.1);
  EXPECT_WAITED(fired[1] - fired[0], 0.3);
}

TEST(Timer, TM6ErrorsGoToTheTimersHandlerAndItKeepsRunning) {
  std::vector<std::string> tracebacks;
  int calls = 0;
  loop([&] {
    timer({.name = "error-test",
           .recurring = true,
           .delay = 0.05,
           .callback =
               [&](timer& self, std::any&) {
                 ++calls;
                 if (calls == 2) self.cancel();
                 raise("error " + std::to_string(calls) + "!");
               },
           .errorhandler =
               [&](std::exception_ptr err, const thread& co, const socket_ref* skt) {
                 tracebacks.push_back(gettraceback(error_message(err), co, skt));
               }});
  });
  EXPECT_EQ(calls, 2);
  ASSERT_EQ(tracebacks.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NE(tracebacks[i].find("error-test"), std::string::npos) << tracebacks[i];
    EXPECT_NE(tracebacks[i].find("error " + std::to_string(i + 1) + "!"), std::string::npos);
  }
}

TEST(Timer, TM7RecurringCancelsItselfAndTheLoopEnds) {
  int runs = 0;
  loop([&] {
    timer({.recurring = true, .delay = 0.1, .callback = [&](timer& self, std::any&) {
             if (++runs == 6) self.cancel();
           }});
  });
  EXPECT_EQ(runs, 6);
}

TEST(Timer, V15ArmAndCancelStates) {
  int runs = 0;
  loop([&] {
    timer t({.delay = 0.01, .callback = [&](timer&, std::any&) { ++runs; }});
    pause(0.05);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(t.cancel().error().message(), "not armed");
    EXPECT_TRUE(t.arm());
    EXPECT_EQ(t.arm().error().message(), "already armed");
    EXPECT_TRUE(t.cancel());
    EXPECT_EQ(t.cancel().error().message(), "not armed");
    pause(0.05);
  });
  EXPECT_EQ(runs, 1);  // the cancelled arm never fired
}

TEST(Timer, CancelAndArmFromTheCallbackLeaksNoFiber) {
  // Copas #213: the old fiber kept looping beside the new one.
  int runs = 0;
  loop([&] {
    timer t({.recurring = true, .delay = 0.02, .callback = [&](timer& self, std::any&) {
               ++runs;
               self.cancel();
               self.arm();
             }});
    pause(0.21);
    EXPECT_GE(runs, 5);
    EXPECT_LE(runs, 11);  // one chain (about 10), not a doubling one (hundreds)
    t.cancel();
  });
}

TEST(Timer, InitialDelayZeroYieldsOnceThenRecurs) {
  std::vector<double> fired;
  loop([&] {
    const auto start = clock::now();
    bool ran_before_yield = false;
    timer t(
        {.recurring = true, .delay = 0.1, .initial_delay = 0, .callback = [&](timer&, std::any&) {
           fired.push_back(since(start));
         }});
    ran_before_yield = !fired.empty();
    EXPECT_FALSE(ran_before_yield);
    pause(0.25);
    t.cancel();
  });
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_LT(fired[0], 0.05);
  EXPECT_WAITED(fired[1] - fired[0], 0.1);
}

TEST(Timer, NamesAndFiberNames) {
  std::string fiber_name;
  loop([&] {
    timer a({.delay = 0, .callback = [&](timer&, std::any&) { fiber_name = getthreadname(); }});
    timer b({.delay = 0, .callback = [](timer&, std::any&) {}});
    ASSERT_EQ(a.name().rfind("copas_timer_", 0), 0u);
    EXPECT_EQ(b.name(), "copas_timer_" + std::to_string(std::stoi(a.name().substr(12)) + 1));
    timer c({.name = "tick", .delay = 0, .callback = [](timer&, std::any&) {}});
    EXPECT_EQ(c.name(), "tick");
    pause(0.01);
    EXPECT_EQ(fiber_name, a.name());
  });
}

TEST(Timer, ArgumentErrors) {
  auto message = [](timer_options o) -> std::string {
    try {
      timer t(std::move(o));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  auto cb = [](timer&, std::any&) {};
  EXPECT_EQ(message({.callback = cb}), "delay must be greater than or equal to 0");
  EXPECT_EQ(message({.delay = -1, .callback = cb}), "delay must be greater than or equal to 0");
  EXPECT_EQ(message({.delay = 1, .initial_delay = -1, .callback = cb}),
            "delay must be greater than or equal to 0");
  EXPECT_EQ(message({.delay = 1}), "expected callback to be a function");
  loop([&] {
    timer t({.delay = 0.01, .callback = cb});
    t.cancel();
    EXPECT_THROW(t.arm(-0.5), std::invalid_argument);
    EXPECT_FALSE(t.armed());
  });
}

TEST(Timer, RemovedTimerFiberDisarmsTheTimer) {
  int runs = 0;
  loop([&] {
    thread fiber;
    timer t({.recurring = true, .delay = 0.05, .callback = [&](timer&, std::any&) {
               ++runs;
               fiber = running_thread();
             }});
    pause(0.07);
    ASSERT_TRUE(static_cast<bool>(fiber));
    removethread(fiber);
    pause(0.1);
    EXPECT_EQ(runs, 1);
    EXPECT_FALSE(t.armed());
    EXPECT_TRUE(t.arm());
    pause(0.07);
    EXPECT_EQ(runs, 2);
    t.cancel();
  });
}

TEST(Timer, ArmedTimerKeepsTheLoopAliveWithoutAHandle) {
  bool fired = false;
  loop([&] { timer({.delay = 0.1, .callback = [&](timer&, std::any&) { fired = true; }}); });
  EXPECT_TRUE(fired);
}

TEST(Timer, RecurringDriftOf10msOver2s) {
  std::vector<clock::time_point> at;
  loop([&] {
    timer t({.recurring = true, .delay = 0.01, .callback = [&](timer&, std::any&) {
               at.push_back(clock::now());
             }});
    pause(2.0);
    t.cancel();
  });
  ASSERT_GE(at.size(), 2u);
  double worst = 0;
  for (std::size_t i = 1; i < at.size(); ++i) {
    const double gap = to_seconds(at[i] - at[i - 1]);
    EXPECT_GE(gap, 0.01 - test::core_timer_early_slack) << "fired early at run " << i;
    worst = std::max(worst, gap);
  }
  // The period runs from the end of one callback to the next, so drift accumulates, but only by
  // the dispatcher's lateness: at most a few ms per period, so at least 100 of the ideal 200 runs.
  EXPECT_LE(at.size(), 200u);
  EXPECT_GE(at.size(), 100u);
  const double drift = to_seconds(at.back() - at.front()) - 0.01 * (at.size() - 1);
  RecordProperty("runs", static_cast<int>(at.size()));
  RecordProperty("drift_ms", std::to_string(drift * 1000));
  std::printf(
      "recurring 10 ms timer over 2 s: %zu runs, accumulated drift %.3f ms, worst gap %.3f ms\n",
      at.size(), drift * 1000, worst * 1000);
}

// A timer still armed when its dispatcher ends is listed by the leak ledger with its name and
// the line that created it. (An armed timer keeps loop() alive, so this thread only steps once.)
TEST(LeakLedgerTimers, ATimerAliveAtDispatcherEndIsListedWithItsCreationSite) {
  int line = 0;
  const auto report = test::leak_report_of([&] {
    timer_options options{.name = "forgotten-tick",
                          .recurring = true,
                          .delay = 60,
                          .callback = [](timer&, std::any&) {}};
    line = __LINE__ + 1;
    timer tick(std::move(options));
    step(0);  // its fiber now sleeps; the thread ends, and its dispatcher, with the timer armed
  });
  const auto entry = test::ledger_entry(report, "timer 'forgotten-tick' created at");
  EXPECT_THAT(entry, testing::HasSubstr("timer_test.cpp:" + std::to_string(line))) << report;
  EXPECT_THAT(report, testing::HasSubstr("fiber 'forgotten-tick' created at"));  // its fiber
}

}  // namespace
}  // namespace copas
