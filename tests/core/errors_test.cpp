// Error handlers: tests.md 1.3 (H1-H9), V10, gettraceback.
#include <copas/core.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

using testing::HasSubstr;
using testing::MatchesRegex;

[[gnu::noinline]] void nested_raise() { copas::raise("hi there!"); }

namespace {

TEST(Errors, DefaultHandlerPrintsTraceback) {  // H1
  testing::internal::CaptureStdout();
  copas::loop([] { nested_raise(); });
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_THAT(out, MatchesRegex("(.|\n)*errors_test\\.cpp:[0-9]+: hi there! \\(coroutine: "
                                "copas_initializer, socket: nil\\)\nstack traceback:(.|\n)*"));
  EXPECT_THAT(out, HasSubstr("copas::raise"));  // the stack where it was raised
}

TEST(Errors, TimeoutCallbackErrorGoesToDefaultWithCoreTimer) {  // H2
  testing::internal::CaptureStdout();
  copas::loop([] {
    copas::timeout(0.01, [](const copas::thread&) { throw std::runtime_error("hi there!"); });
    copas::pause(0.1);
  });
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_THAT(out, HasSubstr("hi there! (coroutine: copas_core_timer, socket: nil)"));
}

TEST(Errors, ThreadHandlerCalledOnce) {  // H3
  int calls = 0;
  std::string msg;
  copas::addthread([&] {
    copas::seterrorhandler(
        [&](std::exception_ptr e, const copas::thread&, const copas::socket_ref* s) {
          ++calls;
          msg = copas::error_message(e);
          EXPECT_EQ(s, nullptr);
        });
    throw std::runtime_error("boom");
  });
  copas::loop();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(msg, "boom");
}

TEST(Errors, DefaultHandlerCalledOnce) {  // H4
  int calls = 0;
  copas::thread failing;
  copas::thread seen;
  copas::seterrorhandler(
      [&](auto, const copas::thread& co, auto) {
        ++calls;
        seen = co;
      },
      true);
  failing = copas::addthread([] { throw std::runtime_error("x"); });
  copas::loop();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, failing);
}

TEST(Errors, ThreadHandlerWinsOverDefault) {  // H5
  int def = 0, own = 0;
  copas::seterrorhandler([&](auto, auto&, auto) { ++def; }, true);
  copas::addthread([&] {
    copas::seterrorhandler([&](auto, auto&, auto) { ++own; });
    throw std::runtime_error("x");
  });
  copas::loop();
  EXPECT_EQ(def, 0);
  EXPECT_EQ(own, 1);
}

TEST(Errors, TimeoutCallbackUsesDefaultNotThreadHandler) {  // H6, H7
  int def = 0, own = 0;
  std::string msg;
  copas::addthread([&] {
    copas::seterrorhandler(
        [&](std::exception_ptr e, auto&, auto) {
          ++def;
          msg = copas::error_message(e);
        },
        true);
    copas::seterrorhandler([&](auto, auto&, auto) { ++own; });
    copas::timeout(0.05, [](const copas::thread&) { throw std::runtime_error("oops..."); });
    copas::pause(0.2);
  });
  copas::loop();
  EXPECT_EQ(def, 1);
  EXPECT_EQ(own, 0);
  EXPECT_THAT(msg, HasSubstr("oops..."));
}

TEST(Errors, FailingHandlerIsReportedAndLoopContinues) {  // H8
  bool later = false;
  testing::internal::CaptureStdout();
  copas::addthread([] {
    copas::seterrorhandler([](auto, auto&, auto) { throw std::runtime_error("handler broke"); });
    throw std::runtime_error("x");
  });
  copas::addthread([&] {
    copas::pause(0.01);
    later = true;
  });
  copas::loop();
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_THAT(out, HasSubstr("Failed executing error handler: handler broke"));
  EXPECT_TRUE(later);
}

TEST(Errors, TracebackNamesThisFileAndLineAlsoInsideALambda) {
  std::string tb;
  int line = 0;
  copas::loop([&] {
    auto inner = [&] {
      line = __LINE__ + 1;
      tb = copas::gettraceback("where");
    };
    inner();
  });
  EXPECT_THAT(tb, HasSubstr("errors_test.cpp:" + std::to_string(line) + ": in "));
}

TEST(Errors, DefaultHandlerTracebackNamesTheRaisingLine) {
  testing::internal::CaptureStdout();
  int line = 0;
  copas::loop([&] {
    line = __LINE__ + 1;
    copas::raise("with a line");
  });
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_THAT(out, HasSubstr("errors_test.cpp:" + std::to_string(line) + ": in "));
}

TEST(Errors, GettracebackHeaderFormat) {  // H9, V10 (fixed form)
  EXPECT_THAT(copas::gettraceback(""),
              testing::StartsWith("(coroutine: nil, socket: nil)\nstack traceback:"));
  EXPECT_THAT(copas::gettraceback("boom"),
              testing::StartsWith("boom (coroutine: nil, socket: nil)\n"));
  struct named : copas::socket_ref {
    std::string socket_name() const override { return "srv:client_1"; }
  } sock;
  copas::thread t = copas::addnamedthread("worker", [] {});
  EXPECT_THAT(copas::gettraceback("m", t, &sock),
              testing::StartsWith("m (coroutine: worker, socket: srv:client_1)"));
  copas::loop();
}

TEST(Errors, SetDefaultRequiresAFunction) {
  try {
    copas::seterrorhandler({}, true);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Expected the handler to be a function when setting the default");
  }
}

TEST(Errors, GeterrorhandlerFallsBackToDefault) {
  int def = 0;
  copas::seterrorhandler([&](auto, auto&, auto) { ++def; }, true);
  copas::thread t = copas::addthread([] {});
  copas::geterrorhandler(t)(nullptr, t, nullptr);
  EXPECT_EQ(def, 1);
  copas::loop();
}

TEST(Errors, ReportErrorPassesTheSocket) {
  struct named : copas::socket_ref {
    std::string socket_name() const override { return "sock-1"; }
  } sock;
  std::string seen;
  copas::seterrorhandler(
      [&](auto, auto&, const copas::socket_ref* s) { seen = s ? s->socket_name() : "nil"; }, true);
  copas::loop([&] {
    copas::report_error(std::make_exception_ptr(std::runtime_error("x")), copas::running_thread(),
                        &sock);
  });
  EXPECT_EQ(seen, "sock-1");
}

TEST(Errors, ResultErrorsCarryCopasStrings) {
  copas::error e = copas::errc::timeout;
  EXPECT_EQ(e.message(), "timeout");
  EXPECT_TRUE(e == copas::errc::timeout);
  copas::error d(copas::errc::host_not_found, "host not found: nowhere.invalid");
  EXPECT_EQ(d.message(), "host not found: nowhere.invalid");
  copas::result<int> r = copas::error(copas::errc::closed);
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "closed");
  EXPECT_THROW(r.value(), copas::system_error);
  EXPECT_EQ(copas::error(copas::errc::not_owner).message(), "cannot release a lock not owned");
}

}  // namespace
