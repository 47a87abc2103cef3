#pragma once
// SHA-256 in lower-case hex, to compare what a peer stored with what was sent (link
// OpenSSL::Crypto).
#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace copas::test {

inline std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) (out += hex[md[i] >> 4]) += hex[md[i] & 15];
  return out;
}

}  // namespace copas::test
