// copas::smtp::message: LuaSocket's layout, default headers, boundaries, attachments.
#include <gtest/gtest.h>
#include <copas/net/mime.hpp>
#include <copas/smtp/message.hpp>

#include <algorithm>
#include <regex>

namespace smtp = copas::smtp;
namespace ltn12 = copas::ltn12;

namespace {

copas::result<std::string> drain(ltn12::source src) {
  std::vector<std::string> parts;
  auto ok = ltn12::pump::all(src, ltn12::sink::table(parts));
  if (!ok) return ok.error();
  std::string out;
  for (auto& p : parts) out += p;
  return out;
}

std::string body_of(const std::string& msg) { return msg.substr(msg.find("\r\n\r\n") + 4); }
std::string head_of(const std::string& msg) { return msg.substr(0, msg.find("\r\n\r\n") + 4); }

std::string boundary_of(const std::string& msg) {
  std::smatch m;
  std::regex re("boundary=\"([^\"]+)\"");
  return std::regex_search(msg, m, re) ? m[1].str() : "";
}

}  // namespace

TEST(Message, StringBodyWithDefaultHeaders) {
  auto msg = drain(
      smtp::message({.headers = {{"subject", "hi"}, {"X-Custom", "1"}}, .body = "Hello\r\n"}));
  ASSERT_TRUE(msg);
  std::regex head(
      "Subject: hi\r\n"
      "X-Custom: 1\r\n"
      "Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} "
      "[0-9]{2}:[0-9]{2}:[0-9]{2} -0000\r\n"
      "X-Mailer: Copas 4.11.0\r\n"
      "Message-ID: <[0-9a-f]+\\.[0-9a-f]{16}@[-.A-Za-z0-9]+>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=\"iso-8859-1\"\r\n\r\n");
  EXPECT_TRUE(std::regex_match(head_of(*msg), head)) << *msg;
  EXPECT_EQ(body_of(*msg), "Hello\r\n");
}

TEST(Message, GivenHeadersWinExceptMimeVersion) {
  auto msg = drain(smtp::message({.headers = {{"date", "Tue, 01 Jul 2025 10:00:00 +0200"},
                                              {"x-mailer", "me"},
                                              {"mime-version", "2.0"},
                                              {"content-type", "text/html"},
                                              {"message-id", "<1@x>"}},
                                  .body = "b"}));
  ASSERT_TRUE(msg);
  EXPECT_EQ(*msg,
            "Date: Tue, 01 Jul 2025 10:00:00 +0200\r\nX-Mailer: me\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html\r\nMessage-ID: <1@x>\r\n\r\nb");
}

TEST(Message, EachMessageGetsItsOwnMessageId) {
  auto id = [](const std::string& msg) {
    std::smatch m;
    return std::regex_search(msg, m, std::regex("\r\nMessage-ID: (<[^>\r]+@[^>\r]+>)\r\n"))
               ? m[1].str()
               : "";
  };
  auto one = drain(smtp::message({.headers = {{"subject", "a"}}, .body = "b"}));
  auto two = drain(smtp::message({.headers = {{"subject", "a"}}, .body = "b"}));
  ASSERT_TRUE(one && two);
  EXPECT_NE(id(*one), "");
  EXPECT_NE(id(*one), id(*two));
  auto parts = drain(smtp::message({.body = smtp::multipart{.parts = {{.body = "x"}}}}));
  ASSERT_TRUE(parts);
  EXPECT_EQ(std::count(parts->begin(), parts->end(), '@'), 1) << "parts get no Message-ID";
}

TEST(Message, AGivenMessageIdInAnyCaseIsKept) {
  auto msg = drain(smtp::message({.headers = {{"MESSAGE-ID", "<mine@example.org>"}}, .body = "b"}));
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("Message-ID: <mine@example.org>\r\n"), std::string::npos) << *msg;
  EXPECT_EQ(msg->find("@", msg->find("<mine@") + 6), std::string::npos) << *msg;
}

TEST(Message, ANonAsciiSubjectBecomesEncodedWords) {
  auto msg = drain(smtp::message({.headers = {{"subject",
                                               "Gr\xc3\xbc\xc3\x9f"
                                               "e \xe2\x9c\x93"}},
                                  .body = "b"}));
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->substr(0, msg->find("\r\n") + 2), "Subject: =?UTF-8?B?R3LDvMOfZSDinJM=?=\r\n");
}

TEST(Message, OnlyTheNonAsciiWordsOfASubjectAreEncoded) {
  auto msg =
      drain(smtp::message({.headers = {{"subject", "Re: caf\xc3\xa9 at noon"}}, .body = "b"}));
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->substr(0, msg->find("\r\n") + 2), "Subject: Re: =?UTF-8?B?Y2Fmw6k=?= at noon\r\n");
}

TEST(Message, ALongValueIsFoldedIntoWordsOfWholeCharacters) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xc3\xa9";  // 80 bytes of 2-byte characters
  auto msg = drain(smtp::message({.headers = {{"x-note", text}}, .body = "b"}));
  ASSERT_TRUE(msg);
  std::string line = msg->substr(0, msg->find("\r\nDate:"));
  std::string decoded;
  std::regex word("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]+)\\?=");
  int words = 0;
  for (std::sregex_iterator it(line.begin(), line.end(), word), end; it != end; ++it, ++words) {
    EXPECT_LE((*it)[0].length(), 75);
    auto bytes = copas::mime::unb64((*it)[1].str()).out.value_or("");
    EXPECT_EQ(bytes.size() % 2, 0u) << "a word ends inside a character";
    decoded += bytes;
  }
  EXPECT_EQ(words, 2);
  EXPECT_EQ(decoded, text);
  EXPECT_NE(line.find("?=\r\n =?UTF-8?B?"), std::string::npos) << line;
}

TEST(Message, DisplayNamesAreEncodedAddressesAreNot) {
  auto msg = drain(smtp::message({.headers = {{"from", "\"J\xc3\xb6rg, Sr.\" <j@example.org>"},
                                              {"to",
                                               "plain@example.org, Ren\xc3\xa9 <r@example.org>, "
                                               "m\xc3\xbc@example.org"}},
                                  .body = "b"}));
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("From: =?UTF-8?B?SsO2cmcsIFNyLg==?= <j@example.org>\r\n"), std::string::npos)
      << *msg;
  EXPECT_NE(msg->find("To: plain@example.org, =?UTF-8?B?UmVuw6k=?= <r@example.org>, "
                      "m\xc3\xbc@example.org\r\n"),
            std::string::npos)
      << *msg;
}

TEST(Message, StructuredHeadersAreNotEncoded) {
  auto msg =
      drain(smtp::message({.headers = {{"content-type", "text/plain; x=\xc3\xa9"}}, .body = "b"}));
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("Content-Type: text/plain; x=\xc3\xa9\r\n"), std::string::npos);
}

TEST(Message, Zone) {
  auto msg = drain(smtp::message({.headers = {}, .body = "b", .zone = "+0100"}));
  ASSERT_TRUE(msg);
  EXPECT_TRUE(std::regex_search(*msg, std::regex("Date: [^\r]* \\+0100\r\n")));
}

TEST(Message, MinimumMessageHasNoBody) {
  auto msg = drain(smtp::message({.headers = {{"subject", "empty"}}}));
  ASSERT_TRUE(msg);
  EXPECT_EQ(body_of(*msg), "");
  EXPECT_EQ(msg->substr(msg->size() - 4), "\r\n\r\n");
}

TEST(Message, SourceBodyAndItsError) {
  auto msg = drain(smtp::message({.body = ltn12::source::table({"one ", "two"})}));
  ASSERT_TRUE(msg);
  EXPECT_EQ(body_of(*msg), "one two");
  auto bad = drain(
      smtp::message({.body = ltn12::source::cat(
                         {ltn12::source::string("x"),
                          ltn12::source::error(copas::error(copas::errc::closed, "disk gone"))})}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "disk gone");
}

TEST(Message, MultipartLayout) {
  auto msg = drain(smtp::message({
      .headers = {{"subject", "parts"}},
      .body =
          smtp::multipart{
              .preamble = "pre",
              .parts = {{.headers = {{"content-type", "text/plain"}}, .body = "first"},
                        {.headers = {}, .body = smtp::multipart{.parts = {{.body = "inner"}}}}},
              .epilogue = "post"},
  }));
  ASSERT_TRUE(msg);
  auto b = boundary_of(*msg);
  ASSERT_EQ(b.size(), 26u);
  EXPECT_EQ(b.substr(0, 2), "=_");
  auto inner_at = msg->find("boundary=\"", msg->find("boundary=\"") + 1);
  ASSERT_NE(inner_at, std::string::npos);
  auto inner = msg->substr(inner_at + 10, 26);
  EXPECT_NE(inner, b);
  EXPECT_TRUE(msg->find("Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n") !=
              std::string::npos);
  EXPECT_EQ(body_of(*msg),
            "pre\r\n"
            "\r\n--" +
                b +
                "\r\nContent-Type: text/plain\r\n\r\nfirst"
                "\r\n--" +
                b + "\r\nContent-Type: multipart/mixed; boundary=\"" + inner +
                "\"\r\n\r\n"
                "\r\n--" +
                inner +
                "\r\nContent-Type: text/plain; charset=\"iso-8859-1\"\r\n\r\ninner"
                "\r\n--" +
                inner +
                "--\r\n\r\n"
                "\r\n--" +
                b +
                "--\r\n\r\n"
                "post\r\n");
}

TEST(Message, GivenMultipartTypeGetsTheBoundary) {
  auto msg = drain(smtp::message({.headers = {{"content-type", "multipart/alternative"}},
                                  .body = smtp::multipart{.parts = {{.body = "a"}}}}));
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("Content-Type: multipart/alternative; boundary=\"=_"), std::string::npos);
}

TEST(Message, ASourcePartThatContainsItsBoundaryFails) {
  // The body source reads the boundary from the headers already produced, so it can echo it.
  auto seen = std::make_shared<std::string>();
  int calls = 0;
  ltn12::source echo = [seen, &calls]() -> copas::result<ltn12::chunk> {
    if (calls++ > 0) return ltn12::chunk{};
    auto b = boundary_of(*seen);
    return ltn12::chunk{"x" + b.substr(0, 5) + "|" + b.substr(5) +
                        "y"};  // split across... one chunk
  };
  auto src = smtp::message({.body = smtp::multipart{.parts = {{.body = echo}}}});
  copas::result<ltn12::chunk> c = ltn12::chunk{};
  bool failed = false;
  while ((c = src()) && *c) {
    *seen += **c;
  }
  if (!c) failed = true;
  // The '|' breaks the boundary: this one is fine.
  EXPECT_FALSE(failed);

  calls = 0;
  seen->clear();
  ltn12::source clash = [seen, &calls]() -> copas::result<ltn12::chunk> {
    auto b = boundary_of(*seen);
    if (calls++ == 0) return ltn12::chunk{"text " + b.substr(0, 10)};
    if (calls == 2) return ltn12::chunk{b.substr(10) + " more"};  // straddles two chunks
    return ltn12::chunk{};
  };
  auto src2 = smtp::message({.body = smtp::multipart{.parts = {{.body = clash}}}});
  while ((c = src2()) && *c) *seen += **c;
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "message part contains its multipart boundary");
}

TEST(Message, BadHeadersAreRefused) {
  auto bad_name = drain(smtp::message({.headers = {{"bad name", "x"}}, .body = "b"}));
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().message(), "invalid header name 'bad name'");
  auto injected =
      drain(smtp::message({.headers = {{"subject", "hi\r\nBcc: victim@x"}}, .body = "b"}));
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().message(), "invalid line break in header 'subject'");
  auto folded = drain(smtp::message({.headers = {{"subject", "long\r\n continued"}}, .body = "b"}));
  EXPECT_TRUE(folded);
}

TEST(Message, AttachmentIsBase64In76ColumnLines) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 % 256);
  auto msg = drain(smtp::message(
      {.body = smtp::multipart{
           .parts = {smtp::attachment("a \"b\".bin", "application/octet-stream", data)}}}));
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("Content-Disposition: attachment; filename=\"a \\\"b\\\".bin\"\r\n"),
            std::string::npos);
  EXPECT_NE(msg->find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  auto b = boundary_of(*msg);
  auto start = msg->find("base64\r\n\r\n") + 10;
  auto end = msg->find("\r\n--" + b + "--");
  std::string encoded = msg->substr(start, end - start);
  std::size_t pos = 0;
  std::string joined;
  while (pos < encoded.size()) {
    auto nl = encoded.find("\r\n", pos);
    if (nl == std::string::npos) nl = encoded.size();
    EXPECT_LE(nl - pos, 76u);
    joined += encoded.substr(pos, nl - pos);
    pos = nl + 2;
  }
  EXPECT_EQ(copas::mime::unb64(joined).out.value_or(""), data);
}

TEST(Message, ANonAsciiAttachmentNameFollowsRfc2231) {
  auto p = smtp::attachment("r\xc3\xa9sum\xc3\xa9 1.txt", "text/plain", std::string("x"));
  EXPECT_EQ(p.headers.at(0).second, "text/plain; name=\"=?UTF-8?B?csOpc3Vtw6kgMS50eHQ=?=\"");
  EXPECT_EQ(p.headers.at(1).second, "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt");
}

TEST(Message, QuotedPrintablePart) {
  auto msg = drain(smtp::message(
      {.body = smtp::multipart{
           .parts = {smtp::quoted_printable("text/plain; charset=utf-8",
                                            "caf\xc3\xa9 = ok\n" + std::string(100, 'a'))}}}));
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("caf=C3=A9 =3D ok\r\n"), std::string::npos);
  EXPECT_NE(msg->find("=\r\n"), std::string::npos);  // the 100 a's got a soft break
}
