// Sync objects belong to the dispatcher that created them: use from another OS thread is refused
// with copas::wrong_dispatcher (and nothing changes); posting to the owning dispatcher works.
// Run under TSan too: the refusal must be race-free.
#include <copas/sync.hpp>

#include "sync_test.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace copas {
namespace {

// Runs fn on another OS thread and returns what it threw ("" if nothing).
template <class F>
std::string refusal_from_another_thread(F fn) {
  std::string what;
  std::thread other([&] {
    try {
      fn();
    } catch (const wrong_dispatcher& e) {
      what = e.what();
    }
  });
  other.join();
  return what;
}

TEST(Affinity, LockRefusesAnotherThread) {
  lock l;
  const std::string what = refusal_from_another_thread([&] { l.get(0); });
  EXPECT_EQ(what, "copas::lock used from a thread other than the one whose dispatcher created it");
  EXPECT_FALSE(refusal_from_another_thread([&] { l.release(); }).empty());
  EXPECT_FALSE(refusal_from_another_thread([&] { l.destroy(); }).empty());
  loop([&] {
    EXPECT_TRUE(l.get(0));  // untouched by the refused calls
    EXPECT_TRUE(l.release());
  });
}

TEST(Affinity, SemaphoreRefusesAnotherThread) {
  semaphore s(5, 1);
  EXPECT_EQ(refusal_from_another_thread([&] { s.give(1); }),
            "copas::semaphore used from a thread other than the one whose dispatcher created it");
  EXPECT_FALSE(refusal_from_another_thread([&] { s.take(1, 0); }).empty());
  EXPECT_FALSE(refusal_from_another_thread([&] { (void)s.get_count(); }).empty());
  EXPECT_EQ(s.get_count().value(), 1);
}

TEST(Affinity, QueueRefusesAnotherThread) {
  queue<int> q;
  EXPECT_EQ(refusal_from_another_thread([&] { q.push(1); }),
            "copas::queue used from a thread other than the one whose dispatcher created it");
  EXPECT_FALSE(refusal_from_another_thread([&] { q.pop(0); }).empty());
  EXPECT_FALSE(refusal_from_another_thread([&] { q.destroy(); }).empty());
  EXPECT_EQ(q.get_size().value(), 0u);
}

TEST(Affinity, TimerRefusesAnotherThread) {
  int runs = 0;
  loop([&] {
    timer t({.delay = 0.05, .callback = [&](timer&, std::any&) { ++runs; }});
    EXPECT_EQ(refusal_from_another_thread([&] { t.cancel(); }),
              "copas::timer used from a thread other than the one whose dispatcher created it");
  });
  EXPECT_EQ(runs, 1);
}

TEST(Affinity, PostingToTheOwningDispatcherWorks) {
  // The supported way in from another thread: post the call to the queue's dispatcher.
  std::vector<int> got;
  loop([&] {
    queue<int> q;
    auto remote = dispatcher::current().get_remote();
    std::thread producer([remote, q] {
      for (int i = 0; i < 100; ++i) {
        remote->post([q, i]() mutable { q.push(i); });
      }
    });
    for (int i = 0; i < 100; ++i) got.push_back(q.pop(5).value());
    producer.join();
  });
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[i], i);
}

}  // namespace
}  // namespace copas
