// copas::async: blocking work on worker threads while the dispatcher keeps serving fibers.
#include "section.hpp"

#include <copas/async.hpp>
#include <copas/core.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

COPAS_DEMO_SECTION(40, "async: a blocking call offloaded while a timer keeps ticking") {
  namespace async = copas::async;
  auto t0 = copas::clock::now();
  auto at = [&] { return copas::to_seconds(copas::clock::now() - t0) * 1000; };
  bool done = false;
  int ticks = 0;
  copas::loop([&] {
    copas::addnamedthread("ticker", [&] {
      while (!done) {
        copas::pause(0.1);
        ++ticks;
        std::printf("   %6.1f ms  tick %d\n", at(), ticks);
      }
    });
    // 1. A function that blocks its thread for 350 ms (think: a synchronous database driver).
    auto f = async::addthread([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(350));
      return std::tuple{std::string("slow answer"), 42};
    });
    std::printf("   %6.1f ms  addthread returned at once; waiting on the future\n", at());
    auto r = f.get();
    std::printf("   %6.1f ms  future: %s, %d (the ticker ran meanwhile)\n", at(),
                std::get<0>(*r).c_str(), std::get<1>(*r));

    // 2. os.execute and io.popen, each parking only this fiber.
    auto st = async::os_execute("sleep 0.2; exit 3");
    std::printf("   %6.1f ms  os_execute(\"sleep 0.2; exit 3\") -> ok=%s, \"%s\", %d\n", at(),
                st->ok ? "true" : "nil", st->kind.c_str(), st->code);
    auto fd = async::io_popen("for x in one two three; do echo $x; sleep 0.05; done");
    for (const std::string& line : fd.lines())
      std::printf("   %6.1f ms  io_popen line: %s\n", at(), line.c_str());
    auto closed = fd.close();
    std::printf("   %6.1f ms  close() -> ok=%s, \"%s\", %d\n", at(), closed->ok ? "true" : "nil",
                closed->kind.c_str(), closed->code);

    // 3. Cancelling a task that is stuck: the future resolves at once.
    auto stuck = async::addthread([] { async::this_task::sleep(60); });
    copas::pause(0.05);
    bool cancelled = stuck.cancel();
    auto res = stuck.get();
    std::printf("   %6.1f ms  cancel() -> %s; get() -> \"%s\"\n", at(),
                cancelled ? "true" : "false", res.error().message().c_str());
    done = true;
  });
  std::printf("   the ticker ticked %d times while all of that waited\n", ticks);
}
