#include <copas/core.hpp>

#include <cstdio>

int main() {
  int ticks = 0;
  copas::loop([&] {
    copas::addthread([&] {
      for (int i = 0; i < 3; ++i) {
        copas::pause(0.001);
        ++ticks;
      }
    });
  });
  std::printf("consumer: %d ticks on an installed copas::core\n", ticks);
  return ticks == 3 ? 0 : 1;
}
