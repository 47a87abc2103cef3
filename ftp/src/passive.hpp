#pragma once
// Parsing the data-channel replies: PASV (227) and EPSV (229), as LuaSocket's patterns do.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace copas::ftp::detail {

struct pasv_address {
  std::string ip;  // dotted IPv4
  std::uint16_t port = 0;
};

// The first "h1,h2,h3,h4,p1,p2" in the text: six digit runs each separated by one non-digit
// (LuaSocket: "(%d+)%D(%d+)%D(%d+)%D(%d+)%D(%d+)%D(%d+)"). Values above 255 are refused.
std::optional<pasv_address> parse_pasv(std::string_view text);

// The port of "(<d><d><d><port><d>)" (LuaSocket: "%((.)(.-)%1(.-)%1(.-)%1%)"), 1..65535.
std::optional<std::uint16_t> parse_epsv(std::string_view text);

// False for the addresses a server behind NAT or a misconfigured one puts in a PASV reply:
// 0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, 100.64/10 and anything unparsable.
bool is_public_ipv4(std::string_view ip);

}  // namespace copas::ftp::detail
