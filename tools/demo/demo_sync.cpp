// Demo section: a queue of jobs served by two workers, paced by a recurring timer, and a lock
// that makes the workers take turns on a shared resource.
#include "section.hpp"

#include <copas/core.hpp>
#include <copas/sync.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

COPAS_DEMO_SECTION(30, "sync: a job queue served by workers, a recurring timer, a lock") {
  const auto start = copas::clock::now();
  auto at = [start] { return copas::to_seconds(copas::clock::now() - start); };

  int ticks = 0;
  copas::result<void> finished = copas::errc::timeout;
  copas::loop([&] {
    copas::queue<std::string> jobs({.name = "jobs"});
    copas::lock printer;  // one worker "prints" at a time
    for (int w = 0; w < 2; ++w) {
      jobs.add_worker([&, printer](std::string job) mutable {
        copas::pause(0.02);  // the work itself
        copas::lock_guard turn(printer);
        std::printf("  %5.3f s  %s handled %s\n", at(), copas::getthreadname().c_str(),
                    job.c_str());
      });
    }

    copas::timer producer({.name = "producer",
                           .recurring = true,
                           .delay = 0.01,
                           .callback = [&](copas::timer& self, std::any&) {
                             jobs.push("job " + std::to_string(++ticks));
                             if (ticks == 6) self.cancel();
                           }});
    std::printf("  timer '%s' pushes a job every 10 ms into queue '%s'\n", producer.name().c_str(),
                jobs.name().c_str());

    copas::pause(0.1);  // the timer has pushed all six by now
    finished = jobs.finish(2);
    std::printf("  %5.3f s  finish(): %s (every job handled, both workers gone)\n", at(),
                finished ? "true" : finished.error().message().c_str());
  });
  if (!finished) throw std::runtime_error("queue did not finish: " + finished.error().message());
  if (ticks != 6) throw std::runtime_error("timer ran " + std::to_string(ticks) + " times");
}
