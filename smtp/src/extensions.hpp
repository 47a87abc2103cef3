#pragma once
// What a server's EHLO reply offers (RFC 5321 §4.1.1.1): one keyword and its parameters per line
// after the first.
#include <string>
#include <string_view>
#include <vector>

namespace copas::smtp {

struct extensions {
  std::vector<std::string> auth;  // mechanisms, upper case
  bool starttls = false;
  bool smtputf8 = false;
  bool eightbitmime = false;

  bool offers_auth(std::string_view mechanism) const;
  static extensions parse(std::string_view ehlo_reply);
};

}  // namespace copas::smtp
