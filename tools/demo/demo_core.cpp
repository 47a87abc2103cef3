// The core: fibers, pauses, wake-ups, exit signalling and error handlers.
#include "section.hpp"

#include <copas/core.hpp>

#include <cstdio>
#include <string>

COPAS_DEMO_SECTION(10, "core: three fibers take turns, one sleeps, one is woken, one fails") {
  copas::seterrorhandler(
      [](std::exception_ptr err, const copas::thread& co, const copas::socket_ref*) {
        std::printf("   error handler: '%s' from fiber %s (the loop goes on)\n",
                    copas::error_message(err).c_str(), copas::getthreadname(co).c_str());
      },
      true);
  auto t0 = copas::clock::now();
  auto at = [&] { return copas::to_seconds(copas::clock::now() - t0) * 1000; };
  copas::loop([&] {
    for (std::string name : {"A", "B", "C"})
      copas::addnamedthread(
          name,
          [&at](std::string n) {
            for (int i = 1; i <= 2; ++i) {
              std::printf("   %6.2f ms  fiber %s, turn %d\n", at(), n.c_str(), i);
              copas::pause();
            }
          },
          name);
    copas::thread sleeper = copas::addnamedthread("sleeper", [&] {
      double slept = copas::pauseforever();
      std::printf("   %6.2f ms  sleeper woken after %.1f ms in pauseforever()\n", at(),
                  slept * 1000);
    });
    copas::addnamedthread("waker", [&, sleeper] {
      double slept = copas::pause(0.05);
      std::printf("   %6.2f ms  waker slept %.1f ms, now wakes the sleeper\n", at(), slept * 1000);
      copas::wakeup(sleeper);
    });
    copas::addnamedthread("faulty", [] {
      copas::pause(0.01);
      throw std::runtime_error("something broke");
    });
    copas::addnamedthread("waiter", [&] {
      copas::waitforexit();
      std::printf("   %6.2f ms  loop has no work left: waitforexit() released, exiting\n", at());
    });
  });
  std::printf("   loop returned after %.1f ms\n", at());
}
