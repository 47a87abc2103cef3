// copas::ascii: protocol-text case folding, independent of the process's locale.
#include <copas/net/ascii.hpp>
#include <copas/net/header_names.hpp>

#include <gtest/gtest.h>

#include <clocale>

namespace {

TEST(Ascii, FoldsOnlyAsciiLetters) {
  EXPECT_EQ(copas::ascii::lower("Content-MD5: X_1"), "content-md5: x_1");
  EXPECT_EQ(copas::ascii::upper("ehlo mail.example"), "EHLO MAIL.EXAMPLE");
  EXPECT_EQ(copas::ascii::lower("\xC3\x89t\xC3\xA9"),
            "\xC3\x89t\xC3\xA9");  // UTF-8 bytes untouched
  EXPECT_EQ(copas::ascii::lower('@'), '@');
  EXPECT_EQ(copas::ascii::lower('['), '[');
  EXPECT_EQ(copas::ascii::upper('`'), '`');
  EXPECT_EQ(copas::ascii::upper('{'), '{');
}

TEST(Ascii, IequalsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(copas::ascii::iequals("Transfer-Encoding", "transfer-ENCODING"));
  EXPECT_FALSE(copas::ascii::iequals("te", "tE "));
  EXPECT_FALSE(copas::ascii::iequals("[", "{"));  // 0x5B and 0x7B differ by 32 but are not letters
  EXPECT_TRUE(copas::ascii::iequals("", ""));
}

TEST(Ascii, IcontainsFindsAWordInAnyCase) {
  EXPECT_TRUE(copas::ascii::icontains("Keep-Alive, CLOSE", "close"));
  EXPECT_TRUE(copas::ascii::icontains("close", "close"));
  EXPECT_TRUE(copas::ascii::icontains("anything", ""));
  EXPECT_FALSE(copas::ascii::icontains("clos", "close"));
  EXPECT_FALSE(copas::ascii::icontains("keep-alive", "close"));
  EXPECT_FALSE(copas::ascii::icontains("", "close"));
}

TEST(Ascii, HeaderNamesDoNotDependOnTheLocale) {
  // Under a Turkish locale, std::tolower('I') is not 'i'; header names must not care.
  const char* turkish = std::setlocale(LC_ALL, "tr_TR.UTF-8");
  EXPECT_TRUE(copas::header_names::same("CONTENT-TYPE", "content-type"));
  EXPECT_EQ(copas::header_names::canonic("MIME-VERSION"), "MIME-Version");
  if (turkish) std::setlocale(LC_ALL, "C");
}

TEST(HeaderNames, KnownNamesInAnyCaseUnknownOnesUnchanged) {
  EXPECT_EQ(copas::header_names::canonic("CONTENT-TRANSFER-ENCODING"), "Content-Transfer-Encoding");
  EXPECT_EQ(copas::header_names::canonic("smtp-remote-recipient"), "SMTP-Remote-Recipient");
  EXPECT_EQ(copas::header_names::canonic("eTaG"), "ETag");
  EXPECT_EQ(copas::header_names::canonic("x-Custom"), "x-Custom");
  const std::string long_name(40, 'a');
  EXPECT_EQ(copas::header_names::canonic(long_name), long_name);
  EXPECT_EQ(copas::header_names::canonic(""), "");
}

}  // namespace
