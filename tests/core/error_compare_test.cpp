// One way to compare a copas::error with an enumerator, whatever module's enum it is (issue 18):
// the template operator== of error.hpp, for any std::is_error_code_enum with an ADL
// make_error_code. And copas::partial_result, the one value-or-error-with-partial type.
#include <copas/core/error.hpp>
#include <copas/core/partial_result.hpp>

#include <gtest/gtest.h>

#include <string>
#include <system_error>

namespace other {

// An enum of another module, in its own category, registered as the copas ones are.
enum class errc { first = 1, second };

class category_t final : public std::error_category {
 public:
  const char* name() const noexcept override { return "other"; }
  std::string message(int ev) const override { return ev == 1 ? "first thing" : "second thing"; }
};

const std::error_category& category() noexcept {
  static const category_t c;
  return c;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

}  // namespace other

template <>
struct std::is_error_code_enum<other::errc> : std::true_type {};

namespace {

static_assert(copas::error_code_enum<copas::errc>);
static_assert(copas::error_code_enum<other::errc>);
static_assert(!copas::error_code_enum<std::errc>);  // a condition enum, not a code one
static_assert(!copas::error_code_enum<int>);

TEST(ErrorCompare, CopasErrcBothWays) {
  copas::error e(copas::errc::timeout, "timeout resolving x");
  EXPECT_TRUE(e == copas::errc::timeout);
  EXPECT_TRUE(copas::errc::timeout == e);  // the reversed form C++20 derives
  EXPECT_FALSE(e == copas::errc::closed);
  EXPECT_TRUE(e != copas::errc::closed);
  EXPECT_EQ(e, copas::errc::timeout);  // gtest's EXPECT_EQ goes through the same ==
}

TEST(ErrorCompare, AnyRegisteredEnumComparesWithoutAHelper) {
  copas::error e(other::errc::second, "second thing: detail");
  EXPECT_TRUE(e == other::errc::second);
  EXPECT_FALSE(e == other::errc::first);
  // Same value, other category: never equal.
  EXPECT_FALSE(e == static_cast<copas::errc>(2));
  EXPECT_FALSE(copas::error(copas::errc::timeout) == other::errc::first);
  EXPECT_EQ(e.message(), "second thing: detail");
  EXPECT_EQ(e.code().message(), "second thing");
  copas::error plain = other::errc::first;  // implicit, as from copas::errc
  EXPECT_EQ(plain.message(), "first thing");
}

TEST(ErrorCompare, StdConditionsCompareByMeaning) {
  copas::error e(std::make_error_code(std::errc::message_size), "line too long");
  EXPECT_TRUE(e == std::errc::message_size);
  EXPECT_FALSE(e == std::errc::timed_out);
  EXPECT_FALSE(copas::error(copas::errc::timeout) == std::errc::timed_out);  // copas's own category
}

TEST(ErrorCompare, TryAgainIsNotHostNotFound) {
  copas::error e(copas::errc::try_again, "temporary failure in name resolution: a.test");
  EXPECT_EQ(copas::error(copas::errc::try_again).message(), "temporary failure in name resolution");
  EXPECT_EQ(copas::error(copas::errc::host_not_found).message(), "host not found");
  EXPECT_TRUE(e == copas::errc::try_again);
  EXPECT_FALSE(e == copas::errc::host_not_found);
}

TEST(PartialResult, SharedValueAndPartial) {
  copas::partial_result<std::string> ok = std::string("data");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "data");
  EXPECT_EQ(ok.partial(), "");
  EXPECT_EQ(ok.value_or_partial(), "data");
  EXPECT_EQ(ok.error(), copas::error());

  copas::partial_result<std::string> bad{copas::errc::timeout, "da"};
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.has_error());
  EXPECT_EQ(bad.error(), copas::errc::timeout);
  EXPECT_EQ(bad.partial(), "da");
  EXPECT_EQ(bad.value_or_partial(), "da");
  EXPECT_THROW((void)bad.value(), copas::system_error);
  EXPECT_EQ(std::move(bad).value_or_partial(), "da");

  copas::partial_result<std::string> bare = copas::errc::closed;  // an enumerator alone
  EXPECT_EQ(bare.error().message(), "closed");
  EXPECT_EQ(bare.partial(), "");
}

TEST(PartialResult, IndexResultsAsSendHasThem) {
  auto sent = copas::partial_result<std::size_t>::success(10);
  EXPECT_EQ(*sent, 10u);
  EXPECT_EQ(sent.value_or_partial(), 10u);
  auto cut = copas::partial_result<std::size_t>::failure(copas::errc::closed, 4);
  EXPECT_FALSE(cut);
  EXPECT_EQ(cut.partial(), 4u);
  EXPECT_EQ(cut.value_or_partial(), 4u);  // resume at 5
  try {
    (void)cut.value();
    ADD_FAILURE();
  } catch (const copas::system_error& e) {
    EXPECT_STREQ(e.what(), "closed");
  }
}

struct reply {
  int code = 0;
  std::string text;
};

TEST(PartialResult, DistinctPartialType) {
  copas::partial_result<reply, std::string> ok = reply{200, "OK"};
  EXPECT_EQ(ok->code, 200);
  EXPECT_EQ(ok.partial(), "");
  copas::partial_result<reply, std::string> bad{copas::error(other::errc::first, "first thing: x"),
                                                "20"};
  EXPECT_FALSE(bad);
  EXPECT_TRUE(bad.error() == other::errc::first);
  EXPECT_EQ(bad.partial(), "20");
  EXPECT_EQ(bad.error().message(), "first thing: x");
}

}  // namespace
