// copas::ltn12 against LuaSocket's ltn12.lua: the scenarios of LuaSocket's test/ltn12test.lua
// (whose split/merge filters check every call against the chunk protocol), then each stock
// source, sink and pump, their errors and LuaSocket's error messages.
#include <copas/net/ltn12.hpp>

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace ltn12 = copas::ltn12;
using ltn12::chunk;

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += p;
  return s;
}

// ltn12test.lua's split(size) and merge(size): they re-cut the data and fail the test on any call
// the chunk protocol forbids (data after nil, an extra nil, "" at the wrong moment).
class checked_filter {
 public:
  checked_filter(std::size_t size, bool merge) : size_(size), merge_(merge) {}

  // True once the stream ended cleanly (Lua's filter(nil, 1)).
  bool finished() const { return !last_in_ && !last_out_; }

  chunk operator()(chunk c) {
    if (!c) {
      if (last_in_ && !last_in_->empty() && last_out_ != "")
        ADD_FAILURE() << "nil chunk following data chunk";
      if (!last_out_) ADD_FAILURE() << "extra nil chunk";
    } else if (c->empty()) {
      if (last_out_ == "") ADD_FAILURE() << "extra \"\" chunk";
      if (!last_out_) ADD_FAILURE() << "\"\" chunk following nil return";
      if (!last_in_) ADD_FAILURE() << "\"\" chunk following nil chunk";
    } else {
      if (!last_in_) ADD_FAILURE() << "data chunk following nil chunk";
      if (last_in_ != "" && last_out_ != "") ADD_FAILURE() << "data chunk following data chunk";
      buffer_ = merge_ ? buffer_ + *c : *c;
    }
    return output(c);
  }

 private:
  chunk output(const chunk& c) {
    std::string part;
    if (merge_) {
      if (buffer_.size() >= size_ || !c) part = std::exchange(buffer_, {});
    } else {
      part = buffer_.substr(0, size_);
      buffer_ = buffer_.substr(std::min(size_, buffer_.size()));
    }
    last_out_ = (!part.empty() || c) ? chunk(part) : std::nullopt;
    last_in_ = c;
    return last_out_;
  }

  std::size_t size_;
  bool merge_;
  std::string buffer_;
  chunk last_out_ = std::string();
  chunk last_in_ = std::string();
};

struct probe {
  std::shared_ptr<checked_filter> state;
  ltn12::filter f;
};
probe split(std::size_t n) {
  auto s = std::make_shared<checked_filter>(n, false);
  return {s, [s](chunk c) { return (*s)(std::move(c)); }};
}
probe merge(std::size_t n) {
  auto s = std::make_shared<checked_filter>(n, true);
  return {s, [s](chunk c) { return (*s)(std::move(c)); }};
}

const std::string s90 = [] {
  std::string s;
  for (int i = 0; i < 30; ++i) s += "123";
  for (int i = 0; i < 30; ++i) s += "4321";
  return s;
}();

// A filter that doubles every byte (used in chains of three).
ltn12::filter doubler() {
  return [](chunk c) -> chunk {
    if (!c) return std::nullopt;
    std::string out;
    for (char ch : *c) out.append(2, ch);
    return out;
  };
}

}  // namespace

TEST(Ltn12Test, SinkTable) {
  std::vector<std::string> t;
  auto snk = ltn12::sink::table(t);
  std::string s;
  for (int i = 0; i <= 10; ++i) {
    std::string c(static_cast<std::size_t>(i), static_cast<char>(i));
    s += c;
    EXPECT_TRUE(snk(c, std::nullopt));
  }
  EXPECT_TRUE(snk(std::nullopt, std::nullopt));
  EXPECT_EQ(join(t), s);
}

TEST(Ltn12Test, SinkChainWithSplit) {
  std::vector<std::string> t;
  auto f = split(3);
  auto snk = ltn12::sink::chain(f.f, ltn12::sink::table(t));
  const std::string s = "123456789012345678901234567890";
  EXPECT_TRUE(snk(s, std::nullopt));
  EXPECT_TRUE(snk(s, std::nullopt));
  EXPECT_TRUE(snk(std::nullopt, std::nullopt));
  EXPECT_EQ(join(t), s + s);
  EXPECT_TRUE(f.state->finished());
}

TEST(Ltn12Test, SinkChainWithMerge) {
  std::vector<std::string> t;
  auto f = merge(10);
  auto snk = ltn12::sink::chain(f.f, ltn12::sink::table(t));
  for (int i = 0; i < 30; ++i) EXPECT_TRUE(snk("123", std::nullopt));
  for (int i = 0; i < 30; ++i) EXPECT_TRUE(snk("4321", std::nullopt));
  EXPECT_TRUE(snk(std::nullopt, std::nullopt));
  EXPECT_TRUE(f.state->finished());
  EXPECT_EQ(join(t), s90);
}

TEST(Ltn12Test, SourceStringAndPumpAll) {
  std::vector<std::string> t;
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::string(s90), ltn12::sink::table(t)));
  EXPECT_EQ(join(t), s90);
}

TEST(Ltn12Test, SourceTable) {
  std::vector<std::string> t;
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::table({"a", "bc", "def"}), ltn12::sink::table(t)));
  EXPECT_EQ(t, (std::vector<std::string>{"a", "bc", "def"}));
}

TEST(Ltn12Test, SourceChainWithSplit) {
  std::vector<std::string> t;
  auto f = split(5);
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::chain(ltn12::source::string(s90), f.f),
                               ltn12::sink::table(t)));
  EXPECT_EQ(join(t), s90);
  EXPECT_TRUE(f.state->finished());
}

TEST(Ltn12Test, SourceChainWithThreeDoublers) {
  std::vector<std::string> t;
  auto src = ltn12::source::chain(ltn12::source::string("ab"), doubler(), doubler(), doubler());
  EXPECT_TRUE(ltn12::pump::all(src, ltn12::sink::table(t)));
  EXPECT_EQ(join(t), std::string(8, 'a') + std::string(8, 'b'));
}

TEST(Ltn12Test, SourceChainSplitAndSinkChainMerge) {
  std::vector<std::string> t;
  auto f = split(5);
  auto g = merge(13);
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::chain(ltn12::source::string(s90), f.f),
                               ltn12::sink::chain(g.f, ltn12::sink::table(t))));
  EXPECT_EQ(join(t), s90);
  EXPECT_TRUE(f.state->finished());
  EXPECT_TRUE(g.state->finished());
}

TEST(Ltn12Test, FilterChainInSinkChain) {
  std::vector<std::string> t;
  auto f = split(5);
  auto g = merge(13);
  auto snk = ltn12::sink::chain(ltn12::filter::chain(f.f, g.f), ltn12::sink::table(t));
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::string(s90), snk));
  EXPECT_EQ(join(t), s90);
  EXPECT_TRUE(f.state->finished());
  EXPECT_TRUE(g.state->finished());
}

TEST(Ltn12Test, FilterChainOfFiveInSinkChain) {
  std::vector<std::string> t;
  probe p[] = {split(5), merge(13), split(7), merge(11), split(10)};
  auto snk = ltn12::sink::chain(ltn12::filter::chain(p[0].f, p[1].f, p[2].f, p[3].f, p[4].f),
                                ltn12::sink::table(t));
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::string(s90), snk));
  EXPECT_EQ(join(t), s90);
  for (auto& x : p) EXPECT_TRUE(x.state->finished());
}

TEST(Ltn12Test, FilterChainInSourceChain) {
  std::vector<std::string> t;
  auto f = split(5);
  auto g = merge(13);
  auto src = ltn12::source::chain(ltn12::source::string(s90), ltn12::filter::chain(f.f, g.f));
  EXPECT_TRUE(ltn12::pump::all(src, ltn12::sink::table(t)));
  EXPECT_EQ(join(t), s90);
  EXPECT_TRUE(f.state->finished());
  EXPECT_TRUE(g.state->finished());
}

TEST(Ltn12Test, FilterChainOfFiveInSourceChain) {
  std::vector<std::string> t;
  probe p[] = {split(5), merge(13), split(7), merge(11), split(10)};
  auto src =
      ltn12::source::chain(ltn12::source::string(s90), p[0].f, p[1].f, p[2].f, p[3].f, p[4].f);
  EXPECT_TRUE(ltn12::pump::all(src, ltn12::sink::table(t)));
  EXPECT_EQ(join(t), s90);
  for (auto& x : p) EXPECT_TRUE(x.state->finished());
}

TEST(Ltn12Test, SinkChainWithSeveralFiltersThenSink) {
  std::vector<std::string> t;
  auto f = split(4);
  auto g = merge(9);
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::string(s90),
                               ltn12::sink::chain(f.f, g.f, ltn12::sink::table(t))));
  EXPECT_EQ(join(t), s90);
  EXPECT_TRUE(f.state->finished());
  EXPECT_TRUE(g.state->finished());
}

TEST(Ltn12Source, StringIsCutInBlocks) {
  const std::string big(2 * ltn12::BLOCKSIZE + 5, 'x');
  auto src = ltn12::source::string(big);
  EXPECT_EQ(src().value()->size(), 2048u);
  EXPECT_EQ(src().value()->size(), 2048u);
  EXPECT_EQ(src().value()->size(), 5u);
  EXPECT_EQ(src().value(), std::nullopt);
  EXPECT_EQ(src().value(), std::nullopt);  // and keeps returning nil
  EXPECT_EQ(ltn12::source::string("")().value(), std::nullopt);
}

TEST(Ltn12Source, EmptyAndError) {
  auto e = ltn12::source::empty();
  EXPECT_EQ(e().value(), std::nullopt);
  auto err = ltn12::source::error(copas::error(copas::errc::closed));
  auto r = err();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::closed);
  EXPECT_FALSE(err());
}

TEST(Ltn12Source, CatStopsAtFirstError) {
  std::vector<std::string> t;
  EXPECT_TRUE(
      ltn12::pump::all(ltn12::source::cat({ltn12::source::string("ab"), ltn12::source::empty(),
                                           ltn12::source::string("cd")}),
                       ltn12::sink::table(t)));
  EXPECT_EQ(join(t), "abcd");
  t.clear();
  auto r =
      ltn12::pump::all(ltn12::source::cat({ltn12::source::string("ab"),
                                           ltn12::source::error(copas::error(copas::errc::timeout)),
                                           ltn12::source::string("cd")}),
                       ltn12::sink::table(t));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::timeout);
  EXPECT_EQ(join(t), "ab");
}

TEST(Ltn12Source, RewindPushesBackLastInFirstOut) {
  auto r = ltn12::source::rewind(ltn12::source::string("tail"));
  r.push("1");
  r.push("2");
  EXPECT_EQ(r().value(), chunk("2"));
  EXPECT_EQ(r().value(), chunk("1"));
  EXPECT_EQ(r().value(), chunk("tail"));
  r.push("again");
  ltn12::source as_source = r;  // copies share the stack
  EXPECT_EQ(as_source().value(), chunk("again"));
  EXPECT_EQ(as_source().value(), std::nullopt);
}

TEST(Ltn12Source, SimplifySwitchesToTheHandedOverSource) {
  int calls = 0;
  ltn12::fancy_source fancy = [&calls]() -> copas::result<ltn12::fancy_chunk> {
    ++calls;
    return ltn12::fancy_chunk{std::string("first"), ltn12::source::string("second")};
  };
  std::vector<std::string> t;
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::simplify(fancy), ltn12::sink::table(t)));
  EXPECT_EQ(join(t), "firstsecond");
  EXPECT_EQ(calls, 1);
}

TEST(Ltn12Source, ChainProtocolErrors) {
  auto src = ltn12::source::chain(ltn12::source::string("x"), doubler());
  EXPECT_EQ(src().value(), chunk("xx"));
  EXPECT_EQ(src().value(), std::nullopt);
  try {
    (void)src();
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "source is empty!");
  }
  // A filter that ends the stream while data still comes.
  auto quits =
      ltn12::source::chain(ltn12::source::string("x"), [](chunk) -> chunk { return std::nullopt; });
  try {
    (void)quits();
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "filter returned inappropriate nil");
  }
  // A filter that answers "" after its input ended: once it already flushed something...
  int flushes = 0;
  auto stalls = ltn12::source::chain(ltn12::source::string("x"), [&flushes](chunk c) -> chunk {
    if (!c && flushes++ == 0) return std::string("flushed");
    return std::string();
  });
  EXPECT_EQ(stalls().value(), chunk("flushed"));
  try {
    (void)stalls();
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "filter returned \"\"");
  }
  // ... and straight away (LuaSocket loops forever re-reading the ended source).
  auto never = ltn12::source::chain(ltn12::source::string("x"),
                                    [](chunk) -> chunk { return std::string(); });
  EXPECT_THROW((void)never(), std::logic_error);
}

TEST(Ltn12Source, ChainPassesTheSourceError) {
  auto src =
      ltn12::source::chain(ltn12::source::error(copas::error(copas::errc::closed)), doubler());
  auto r = src();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), copas::error(copas::errc::closed).message());
}

TEST(Ltn12Filter, ChainReportsInappropriateNil) {
  auto f = ltn12::filter::chain(doubler(), [](chunk) -> chunk { return std::nullopt; });
  try {
    (void)f(std::string("a"));
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "filter returned inappropriate nil");
  }
  EXPECT_THROW((void)ltn12::filter::chain(std::vector<ltn12::filter>{}), std::invalid_argument);
}

TEST(Ltn12Filter, CycleKeepsTheContext) {
  // A running byte count as context, the prefix as extra argument.
  auto low = [](int ctx, std::optional<std::string_view> c, const std::string& prefix) {
    if (!c) return ltn12::low_result<int>{std::nullopt, ctx};
    return ltn12::low_result<int>{prefix + std::to_string(ctx + static_cast<int>(c->size())),
                                  ctx + static_cast<int>(c->size())};
  };
  auto f = ltn12::filter::cycle(low, 0, std::string("n="));
  EXPECT_EQ(f(std::string("abc")), chunk("n=3"));
  EXPECT_EQ(f(std::string("de")), chunk("n=5"));
  EXPECT_EQ(f(std::nullopt), std::nullopt);
}

TEST(Ltn12Sink, NullAndError) {
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::string("data"), ltn12::sink::null()));
  auto r = ltn12::pump::all(ltn12::source::string("data"),
                            ltn12::sink::error(copas::error(copas::errc::closed)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::closed);
}

TEST(Ltn12Sink, ChainIgnoresEmptyChunks) {
  int calls = 0;
  auto counting =
      ltn12::sink([&calls](chunk, const std::optional<copas::error>&) -> copas::result<void> {
        ++calls;
        return {};
      });
  auto snk = ltn12::sink::chain(doubler(), counting);
  EXPECT_TRUE(snk(std::string(), std::nullopt));
  EXPECT_EQ(calls, 0);
}

TEST(Ltn12Sink, EndMarkCarriesTheSourceError) {
  std::optional<copas::error> seen;
  bool got_end = false;
  auto snk =
      ltn12::sink([&](chunk c, const std::optional<copas::error>& err) -> copas::result<void> {
        if (!c) {
          got_end = true;
          seen = err;
        }
        return {};
      });
  auto r = ltn12::pump::all(ltn12::source::error(copas::error(copas::errc::timeout)), snk);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::timeout);
  EXPECT_TRUE(got_end);
  ASSERT_TRUE(seen);
  EXPECT_EQ(*seen, copas::errc::timeout);
}

TEST(Ltn12Sink, SimplifySwitchesToTheHandedOverSink) {
  std::vector<std::string> t;
  auto fancy = ltn12::fancy_sink(
      [&t](chunk c, const std::optional<copas::error>&) -> copas::result<ltn12::sink> {
        if (c) t.push_back("fancy:" + *c);
        return ltn12::sink::table(t);
      });
  EXPECT_TRUE(
      ltn12::pump::all(ltn12::source::table({"a", "b", "c"}), ltn12::sink::simplify(fancy)));
  EXPECT_EQ(t, (std::vector<std::string>{"fancy:a", "b", "c"}));
}

TEST(Ltn12File, RoundTripThroughFiles) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>(i * 7);
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  const int fd = dup(fileno(out));  // tmpfile() has no name: keep a way back to its contents
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(
      ltn12::pump::all(ltn12::source::string(data), ltn12::sink::file(out)));  // closes `out`
  ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
  auto src = ltn12::source::file(fdopen(fd, "rb"));
  EXPECT_EQ(src().value(), chunk(data.substr(0, ltn12::BLOCKSIZE)));
  std::vector<std::string> t;
  EXPECT_TRUE(ltn12::pump::all(src, ltn12::sink::table(t)));
  EXPECT_EQ(join(t), data.substr(ltn12::BLOCKSIZE));
  EXPECT_EQ(src().value(), std::nullopt);  // closed at the end, and stays ended
}

TEST(Ltn12File, NullHandleIsUnableToOpen) {
  auto r = ltn12::source::file(std::fopen("/nonexistent/copas-codecs", "rb"))();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "unable to open file");
  auto w = ltn12::pump::all(ltn12::source::string("x"), ltn12::sink::file(nullptr, "custom"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().message(), "custom");
}

TEST(Ltn12Pump, StepReportsEachOutcome) {
  std::vector<std::string> t;
  auto src = ltn12::source::string("ab");
  auto snk = ltn12::sink::table(t);
  EXPECT_EQ(ltn12::pump::step(src, snk).value(), true);
  EXPECT_EQ(ltn12::pump::step(src, snk).value(), false);
  auto r = ltn12::pump::step(ltn12::source::error(copas::error(copas::errc::closed)), snk);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::closed);
  r = ltn12::pump::step(ltn12::source::string("x"),
                        ltn12::sink::error(copas::error(copas::errc::timeout)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::timeout);
}

TEST(Ltn12Pump, AllWithCustomStepAndMissingArguments) {
  int steps = 0;
  std::vector<std::string> t;
  auto counting = [&steps](const ltn12::source& s, const ltn12::sink& k) {
    ++steps;
    return ltn12::pump::step(s, k);
  };
  EXPECT_TRUE(ltn12::pump::all(ltn12::source::string(std::string(5000, 'q')), ltn12::sink::table(t),
                               counting));
  EXPECT_EQ(steps, 4);  // three blocks, then the end
  EXPECT_THROW((void)ltn12::pump::all(ltn12::source(), ltn12::sink::null()), std::invalid_argument);
}
