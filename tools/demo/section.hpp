#pragma once
// A demo section: a titled function the demo runs in order, each inside its own copas::loop.
//
//   COPAS_DEMO_SECTION(30, "sync: a job queue served by workers") { ... }
//
// Sections say what they do as they go (print to stdout) and return normally on success; an
// exception fails the demo with its message.

#include <functional>
#include <map>
#include <string>
#include <utility>

namespace copas::demo {

struct section {
  std::string title;
  std::function<void()> run;
};

inline std::multimap<int, section>& sections() {
  static std::multimap<int, section> all;
  return all;
}

struct registrar {
  registrar(int order, std::string title, void (*fn)()) {
    sections().emplace(order, section{std::move(title), fn});
  }
};

}  // namespace copas::demo

#define COPAS_DEMO_CAT2(a, b) a##b
#define COPAS_DEMO_CAT(a, b) COPAS_DEMO_CAT2(a, b)
#define COPAS_DEMO_SECTION(order, title)                                     \
  static void COPAS_DEMO_CAT(copas_demo_fn_, __LINE__)();                    \
  static ::copas::demo::registrar COPAS_DEMO_CAT(copas_demo_reg_, __LINE__){ \
      order, title, &COPAS_DEMO_CAT(copas_demo_fn_, __LINE__)};              \
  static void COPAS_DEMO_CAT(copas_demo_fn_, __LINE__)()
