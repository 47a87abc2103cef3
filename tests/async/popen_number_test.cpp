// io_popen's read("n") / read_number(): numbers read as Lua 5.4's io library reads them from a
// file (liolib.c read_number), including what a failed read leaves consumed.
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>

namespace async = copas::async;

namespace {

using int64 = std::int64_t;

// Reads one number from `fd`, failing the test on an error result.
std::optional<async::number> number_from(async::descriptor& fd) {
  auto r = fd.read_number();
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? *r : std::nullopt;
}

std::string rest_of(async::descriptor& fd) {
  auto r = fd.read("a");
  return r && *r ? **r : "<error>";
}

}  // namespace

TEST(AsyncPopenNumber, NumberFollowedByTextLeavesTheText) {
  copas::loop([] {
    auto fd = async::io_popen("printf '  42 apples\\n'");
    EXPECT_EQ(number_from(fd), async::number(int64{42}));
    EXPECT_EQ(fd.read().value(), std::optional<std::string>(" apples"));
    fd.close();
  });
}

TEST(AsyncPopenNumber, LeadingWhiteSpaceOfEveryKindIsSkipped) {
  copas::loop([] {
    auto fd = async::io_popen("printf '\\t\\n\\r\\v\\f 12abc'");
    EXPECT_EQ(number_from(fd), async::number(int64{12}));
    EXPECT_EQ(rest_of(fd), "abc");  // the look-ahead character is put back
    fd.close();
  });
}

TEST(AsyncPopenNumber, NoNumberIsNoValueAndConsumesNothingButSpace) {
  copas::loop([] {
    auto fd = async::io_popen("printf '  abc'");
    EXPECT_EQ(number_from(fd), std::nullopt);
    EXPECT_EQ(rest_of(fd), "abc");
    fd.close();
  });
}

TEST(AsyncPopenNumber, WhatLooksLikeANumeralStaysConsumedWhenItIsNone) {
  copas::loop([] {
    auto minus = async::io_popen("printf -- '-x'");
    EXPECT_EQ(number_from(minus), std::nullopt);
    EXPECT_EQ(rest_of(minus), "x");  // Lua loses the '-' too
    minus.close();
    auto exponent = async::io_popen("printf '1e+z'");
    EXPECT_EQ(number_from(exponent), std::nullopt);  // "1e+" is not a numeral
    EXPECT_EQ(rest_of(exponent), "z");
    exponent.close();
    auto bare_hex = async::io_popen("printf '0xg'");
    EXPECT_EQ(number_from(bare_hex), std::nullopt);
    EXPECT_EQ(rest_of(bare_hex), "g");
    bare_hex.close();
  });
}

TEST(AsyncPopenNumber, IntegerAndFloatFormsAsLuaReadsThem) {
  copas::loop([] {
    auto fd = async::io_popen("printf '0x1F 1.5 -7 +3 1e3 0x1p4 .5 5. 0xA.8 007 inf nan'");
    EXPECT_EQ(number_from(fd), async::number(int64{31}));
    EXPECT_EQ(number_from(fd), async::number(1.5));
    EXPECT_EQ(number_from(fd), async::number(int64{-7}));
    EXPECT_EQ(number_from(fd), async::number(int64{3}));
    EXPECT_EQ(number_from(fd), async::number(1000.0));
    EXPECT_EQ(number_from(fd), async::number(16.0));
    EXPECT_EQ(number_from(fd), async::number(0.5));
    EXPECT_EQ(number_from(fd), async::number(5.0));
    EXPECT_EQ(number_from(fd), async::number(10.5));
    EXPECT_EQ(number_from(fd), async::number(int64{7}));
    EXPECT_EQ(number_from(fd), std::nullopt);  // "inf" is not a number
    EXPECT_EQ(rest_of(fd), "inf nan");
    fd.close();
  });
}

TEST(AsyncPopenNumber, IntegerLimits) {
  copas::loop([] {
    auto fd = async::io_popen(
        "printf '9223372036854775807 -9223372036854775808 9223372036854775808 "
        "0xffffffffffffffff'");
    EXPECT_EQ(number_from(fd), async::number(std::numeric_limits<int64>::max()));
    EXPECT_EQ(number_from(fd), async::number(std::numeric_limits<int64>::min()));
    EXPECT_EQ(number_from(fd), async::number(9223372036854775808.0));  // too big: a float
    EXPECT_EQ(number_from(fd), async::number(int64{-1}));              // hexadecimal wraps
    fd.close();
  });
}

TEST(AsyncPopenNumber, EndOfFileIsNoValue) {
  copas::loop([] {
    auto fd = async::io_popen("printf '8  '");
    EXPECT_EQ(number_from(fd), async::number(int64{8}));
    EXPECT_EQ(number_from(fd), std::nullopt);
    EXPECT_EQ(number_from(fd), std::nullopt);
    fd.close();
  });
}

TEST(AsyncPopenNumber, ANumeralSplitAcrossWritesIsReadWhole) {
  copas::loop([] {
    auto fd = async::io_popen("printf '12'; sleep 0.2; printf '34.5\\n'");
    EXPECT_EQ(number_from(fd), async::number(1234.5));
    fd.close();
  });
}

TEST(AsyncPopenNumber, ANumeralLongerThanLuasBufferIsRefusedAfterTwoHundredCharacters) {
  copas::loop([] {
    auto fd = async::io_popen("printf '%0250d' 1");
    EXPECT_EQ(number_from(fd), std::nullopt);
    EXPECT_EQ(rest_of(fd), std::string(49, '0') + "1");
    fd.close();
  });
}

TEST(AsyncPopenNumber, ReadFormatNGivesLuasTostring) {
  copas::loop([] {
    auto fd = async::io_popen("printf '0x10 2.50 3e2 1e100 x'");
    EXPECT_EQ(fd.read("*n").value(), std::optional<std::string>("16"));
    EXPECT_EQ(fd.read("n").value(), std::optional<std::string>("2.5"));
    EXPECT_EQ(fd.read(async::read_format::number).value(), std::optional<std::string>("300.0"));
    EXPECT_EQ(fd.read("n").value(), std::optional<std::string>("1e+100"));
    EXPECT_EQ(fd.read("n").value(), std::nullopt);
    fd.close();
  });
}

TEST(AsyncPopenNumber, WriteModeRefusesToReadANumber) {
  copas::loop([] {
    auto fd = async::io_popen("cat > /dev/null", "w");
    auto r = fd.read_number();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "Pipe not open for reading");
    fd.close();
  });
}

TEST(AsyncPopenNumber, AgreesWithLuaItselfOnTheSameInput) {
  // The real peer: Lua 5.4 reading the same bytes from its standard input.
  if (::access("/usr/bin/lua5.4", X_OK) != 0)
    GTEST_FAIL() << "/usr/bin/lua5.4 missing: scripts/setup.sh installs it";
  const char* const inputs[] = {
      "  42 apples",
      "-x",
      "1e+z",
      "0xg",
      "0x1F 1.5 -7 +3 1e3 0x1p4 .5 5. 0xA.8",
      "007 inf nan",
      "1E5 0X1P-2 3",
      "- 5",
      "+.e1",
      "9223372036854775807 9223372036854775808",
      "0xffffffffffffffff -0x1",
      "12.5.6",
      "1..2",
      "\t\n 0x.8p1 2e-3x",
  };
  const std::string lua_reader =
      "lua5.4 -e 'while true do local v = io.read(\"n\"); if v == nil then break end; "
      "io.write(tostring(v), \"\\n\") end; io.write(\"rest=\", io.read(\"a\"))'";
  copas::loop([&] {
    for (const char* input : inputs) {
      const std::string printf_input = std::string("printf '%s' '") + input + "'";
      auto lua = async::io_popen(printf_input + " | " + lua_reader);
      auto expected = lua.read("a").value().value_or("");
      lua.close();

      auto ours = async::io_popen(printf_input);
      std::string got;
      while (auto n = ours.read("n").value()) got += *n + "\n";
      got += "rest=" + rest_of(ours);
      ours.close();
      EXPECT_EQ(got, expected) << "input: " << input;
    }
  });
}
