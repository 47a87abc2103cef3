// copas-demo: every module of copas-cpp working on loopback, one section after another.
// No arguments, nothing to configure. Each section says what it does as it goes.

#include "section.hpp"

#include <copas/core.hpp>

#include <cstdio>
#include <exception>

int main() {
  std::printf("copas-cpp demo (%s compatible): fibers on a libevent reactor, all on loopback\n\n",
              copas::VERSION);
  int failed = 0;
  for (auto& [order, section] : copas::demo::sections()) {
    std::printf("== %s\n", section.title.c_str());
    std::fflush(stdout);
    try {
      section.run();
    } catch (const std::exception& e) {
      std::printf("!! section failed: %s\n", e.what());
      ++failed;
    }
    std::printf("\n");
  }
  std::printf(
      failed ? "demo finished with %d failed section(s)\n" : "demo finished: all sections ok\n",
      failed);
  return failed ? 1 : 0;
}
