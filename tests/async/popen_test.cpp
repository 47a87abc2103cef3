// io_popen: a descriptor whose operations park only the calling fiber (tests.md AS12-AS16).
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "async_test_support.hpp"
#include "fd_count.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace async = copas::async;
using copas::test::since;
using steady = std::chrono::steady_clock;

namespace {
const char* four_lines = "for x in 1 2 3 4 ; do echo $x; done";
const async::exit_status exit0{true, "exit", 0};
constexpr std::size_t read_size = 70000000;

// Descriptors open once the dispatcher and the pool exist (epoll, eventfds), before any popen.
std::size_t fd_baseline() {
  copas::loop([] { (void)async::run([] { return 0; }); });
  return copas::test::open_fd_count();
}
}  // namespace

TEST(AsyncPopen, AS12_ReadAll) {
  const auto fds = fd_baseline();
  copas::loop([] {
    auto fd = async::io_popen(four_lines);
    copas::pause(1);
    auto all = fd.read("*a");
    ASSERT_TRUE(all);
    ASSERT_TRUE(*all);
    EXPECT_EQ(**all, "1\n2\n3\n4\n");
    auto again = fd.read("*a");  // Lua: "" at end of file, never nil
    ASSERT_TRUE(again && *again);
    EXPECT_EQ(**again, "");
    auto st = fd.close();
    ASSERT_TRUE(st);
    EXPECT_EQ(*st, exit0);
  });
  EXPECT_EQ(copas::test::open_fd_count(), fds);
  EXPECT_FALSE(copas::test::has_children());
}

TEST(AsyncPopen, AS13_ReadLines) {
  copas::loop([] {
    auto fd = async::io_popen(four_lines);
    for (const char* want : {"1", "2", "3", "4"}) {
      auto l = fd.read("*l");
      ASSERT_TRUE(l && *l);
      EXPECT_EQ(**l, want);
    }
    auto eof = fd.read();  // default format: a line
    ASSERT_TRUE(eof);
    EXPECT_FALSE(*eof);
    auto st = fd.close();
    ASSERT_TRUE(st);
    EXPECT_EQ(*st, exit0);
  });
}

TEST(AsyncPopen, AS14_LinesIterator) {
  copas::loop([] {
    auto fd = async::io_popen(four_lines);
    std::vector<std::string> got;
    for (const auto& line : fd.lines()) got.push_back(line);
    EXPECT_EQ(got, (std::vector<std::string>{"1", "2", "3", "4"}));
    EXPECT_TRUE(fd.close());
  });
}

TEST(AsyncPopen, AS15_CloseEarlyWaitsForTheCommand) {
  copas::loop([] {
    auto fd = async::io_popen("for x in 1 2 3 4 ; do echo $x; sleep 1; done 2>/dev/null");
    auto l = fd.read("*l");
    ASSERT_TRUE(l && *l);
    EXPECT_EQ(**l, "1");
    auto start = steady::now();
    auto st = fd.close();
    ASSERT_TRUE(st);
    EXPECT_EQ(*st, exit0);
    EXPECT_GE(since(start), 2.5);  // waited for the loop to finish
  });
  EXPECT_FALSE(copas::test::has_children());
}

TEST(AsyncPopen, AS16_NonexistentCommandReadsEndOfFile) {
  copas::loop([] {
    auto fd = async::io_popen("nonexistent-cmd-xyz 2>/dev/null");
    auto l = fd.read("*l");
    ASSERT_TRUE(l);
    EXPECT_FALSE(*l);
    auto st = fd.close();
    ASSERT_TRUE(st);
    EXPECT_EQ(*st, (async::exit_status{false, "exit", 127}));
  });
}

TEST(AsyncPopen, ReadsFiftyMegabytesWhileATickerRuns) {
  constexpr std::size_t size = 50u * 1024 * 1024;
  int ticks = 0;
  bool done = false;
  copas::loop([&] {
    copas::test::start_ticker(0.01, ticks, done);
    auto fd = async::io_popen("head -c " + std::to_string(size) + " /dev/zero");
    auto all = fd.read(async::read_format::all);
    done = true;
    ASSERT_TRUE(all && *all);
    EXPECT_EQ((*all)->size(), size);
    EXPECT_EQ((*all)->find_first_not_of('\0'), std::string::npos);
    EXPECT_EQ(*fd.close(), exit0);
  });
  EXPECT_GT(ticks, 0);
}

TEST(AsyncPopen, AnEndlessLineIsOversizedNotUnbounded) {
  copas::loop([] {
    auto fd = async::io_popen("head -c 70000000 /dev/zero");
    auto l = fd.read("*l");
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().message(), "oversized");
    EXPECT_TRUE(l.error() == async::errc::oversized);
    auto rest = fd.read(read_size);
    ASSERT_TRUE(rest && *rest);
    EXPECT_EQ((*rest)->size(), read_size);
    EXPECT_TRUE(fd.close());
  });
}

TEST(AsyncPopen, ReadsByteCountsAndKeptNewlines) {
  copas::loop([] {
    auto fd = async::io_popen("printf 'abcdef\\nlast'");
    EXPECT_EQ(**fd.read(3), "abc");
    EXPECT_EQ(**fd.read("*L"), "def\n");
    EXPECT_EQ(**fd.read(0), "");  // not at end of file yet
    EXPECT_EQ(**fd.read(100), "last");
    auto eof = fd.read(1);
    ASSERT_TRUE(eof);
    EXPECT_FALSE(*eof);
    EXPECT_FALSE(*fd.read(0));
    EXPECT_TRUE(fd.close());
  });
}

TEST(AsyncPopen, WriteMode) {
  char path[] = "/tmp/copas-async-popen-XXXXXX";
  int tmp = ::mkstemp(path);
  ASSERT_GE(tmp, 0);
  ::close(tmp);
  copas::loop([&] {
    auto fd = async::io_popen(std::string("cat > ") + path, "w");
    std::string big(1 << 20, 'x');  // larger than a pipe buffer: write() must wait for room
    EXPECT_TRUE(fd.write("hello\n"));
    EXPECT_TRUE(fd.write(big));
    auto st = fd.close();
    ASSERT_TRUE(st);
    EXPECT_EQ(*st, exit0);
  });
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str().size(), 6u + (1u << 20));
  EXPECT_EQ(ss.str().substr(0, 6), "hello\n");
  std::remove(path);
}

TEST(AsyncPopen, WrongDirectionAndUnsupportedCalls) {
  copas::loop([] {
    auto r = async::io_popen("true");
    auto w = r.write("x");
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().message(), "Pipe not open for writing");
    EXPECT_EQ(r.flush().error().message(), "Not available.");
    EXPECT_EQ(r.seek().error().message(), "Not available.");
    EXPECT_EQ(r.setvbuf().error().message(), "Not available.");
    EXPECT_TRUE(r.close());

    auto wr = async::io_popen("cat >/dev/null", "w");
    auto rd = wr.read();
    ASSERT_FALSE(rd);
    EXPECT_EQ(rd.error().message(), "Pipe not open for reading");
    EXPECT_TRUE(wr.close());
  });
}

TEST(AsyncPopen, WriteToAFinishedReaderIsBrokenPipe) {
  copas::loop([] {
    auto fd = async::io_popen("exit 3", "w");
    copas::pause(0.3);
    auto w = fd.write(std::string(1 << 20, 'x'));
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code(), std::error_code(EPIPE, std::system_category()));
    EXPECT_EQ(*fd.close(), (async::exit_status{false, "exit", 3}));
  });
}

namespace {
void (*sigpipe_disposition())(int) {
  struct sigaction now {};
  ::sigaction(SIGPIPE, nullptr, &now);
  return now.sa_handler;
}
}  // namespace

// The process keeps SIGPIPE at its default (gtest leaves it there): a write into a pipe whose
// reader has exited fails with EPIPE, as Lua's file:write does, instead of killing the process,
// and nothing about the process's signals has changed afterwards.
TEST(AsyncPopen, WriteToAnExitedChildFailsWithoutChangingSigpipe) {
  ASSERT_EQ(sigpipe_disposition(), SIG_DFL);
  copas::loop([] {
    auto fd = async::io_popen("true", "w");
    // More than a pipe holds: the write ends in EPIPE whether or not `true` has exited yet.
    auto w = fd.write(std::string(1 << 20, 'x'));
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code(), std::error_code(EPIPE, std::system_category()));
    EXPECT_EQ(w.error().message(), "Broken pipe");
    EXPECT_EQ(*fd.close(), exit0);
  });
  EXPECT_EQ(sigpipe_disposition(), SIG_DFL);
  sigset_t pending, mask;
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE)) << "the write's SIGPIPE was left pending";
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  EXPECT_FALSE(sigismember(&mask, SIGPIPE)) << "the write left SIGPIPE blocked";
}

// A command ignores SIGPIPE, as in a Copas process (spec AS15), while this process keeps its
// own (default) disposition: a shell that sends itself SIGPIPE survives it, and so does a
// program it starts.
TEST(AsyncPopen, TheCommandIgnoresSigpipeThisProcessDoesNot) {
  ASSERT_EQ(sigpipe_disposition(), SIG_DFL);
  copas::loop([] {
    auto fd =
        async::io_popen("kill -PIPE $$; sh -c 'kill -PIPE $$; echo child survived'; echo survived");
    auto out = fd.read("a");
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value_or("?"), "child survived\nsurvived\n");
    EXPECT_EQ(*fd.close(), exit0);
  });
  EXPECT_EQ(sigpipe_disposition(), SIG_DFL);
}

TEST(AsyncPopen, BadModeAndFormatThrow) {
  copas::loop([] {
    EXPECT_THROW(async::io_popen("true", "x"), std::invalid_argument);
    auto fd = async::io_popen("true");
    EXPECT_THROW(fd.read("*z"), std::invalid_argument);
    EXPECT_TRUE(fd.close());
  });
}

TEST(AsyncPopen, ClosedDescriptor) {
  copas::loop([] {
    auto fd = async::io_popen("true");
    EXPECT_TRUE(fd.close());
    auto again = fd.close();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message(), "closed");
    auto r = fd.read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "closed");
  });
}

TEST(AsyncPopen, ConcurrentReadersAreServedOneAtATime) {
  std::vector<std::string> a, b;
  copas::loop([&] {
    auto fd = async::io_popen("for x in 1 2 3 4 5 6; do echo $x; sleep 0.05; done");
    auto reader = [&fd](std::vector<std::string>& out) {
      while (auto l = fd.read()) {
        if (!*l) break;
        out.push_back(**l);
      }
    };
    auto t1 = copas::addthread([&] { reader(a); });
    auto t2 = copas::addthread([&] { reader(b); });
    while (t1.alive() || t2.alive()) copas::pause(0.05);
    EXPECT_TRUE(fd.close());
  });
  std::vector<std::string> all = a;
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
}

TEST(AsyncPopen, DroppedDescriptorLeavesNoZombie) {
  const auto fds = fd_baseline();
  copas::loop([] {
    { auto fd = async::io_popen("echo bye"); }
    copas::pause(0.5);
  });
  EXPECT_TRUE(copas::test::eventually([] { return !copas::test::has_children(); }));
  EXPECT_EQ(copas::test::open_fd_count(), fds);
}
