#pragma once
// Shared bits of the ftp tests: the real FTP server (pyftpd.hpp), a way to run a test body in a
// fiber, file helpers and SHA-256 for round-trip checks.

#include <gtest/gtest.h>
#include <copas/core.hpp>
#include <copas/ftp.hpp>
#include <copas/net.hpp>

#include <openssl/evp.h>

#include "pyftpd.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace copas::test {

// Runs `body` in a fiber and the loop until everything is done. Under ASan the fiber gets 1 MiB
// of stack: with the default 128 KiB, FtpFetch.UploadThenDownload crashed in about 1 run of 10
// (a null context in ontop_fcontext while parking in connect), never with 1 MiB (0 of 65).
inline void run(std::function<void()> body) {
#if defined(__SANITIZE_ADDRESS__)
  copas::addthread(copas::thread_options{.stack_size = 1024 * 1024}, std::move(body));
#else
  copas::addthread(std::move(body));
#endif
  copas::loop();
}

inline std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

// Bytes that are not text: every value, in a pseudo-random order (fixed seed).
inline std::string random_bytes(std::size_t n, unsigned seed = 42) {
  std::mt19937_64 gen(seed);
  std::string s(n, '\0');
  std::size_t i = 0;
  while (i + 8 <= n) {
    std::uint64_t v = gen();
    std::memcpy(s.data() + i, &v, 8);
    i += 8;
  }
  while (i < n) s[i++] = static_cast<char>(gen());
  return s;
}

inline void write_file(const std::filesystem::path& p, std::string_view data) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (auto& p : parts) s += p;
  return s;
}

struct stopwatch {
  copas::clock::time_point start = copas::clock::now();
  double elapsed() const { return copas::to_seconds(copas::clock::now() - start); }
};

}  // namespace copas::test
