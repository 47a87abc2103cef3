// copas::ftp: download throughput of one large file from pyftpdlib on 127.0.0.1 -- copas::ftp::get
// in this process (into a counting sink) and the copas-fetch command line -- beside the curl
// command line downloading the same file from the same server in the same run (both to
// /dev/null), printed with the ratios. Rounds rotate which one goes first.
//
//   bench_ftp_download [MiB=100] [rounds=5]
//
// Target (issue 7): at least 0.9x curl. The server (Python) is part of both figures.

#include <copas/core.hpp>
#include <copas/ftp.hpp>

#include "pyftpd.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

void write_random_file(const std::filesystem::path& p, std::size_t bytes) {
  std::mt19937_64 gen(1);
  std::vector<std::uint64_t> block(1 << 16);
  std::ofstream f(p, std::ios::binary);
  for (std::size_t done = 0; done < bytes;) {
    for (auto& v : block) v = gen();
    auto n = std::min(bytes - done, block.size() * sizeof(std::uint64_t));
    f.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
    done += n;
  }
}

double time_copas(const std::string& url, std::size_t expect) {
  double t = -1;
  copas::addthread([&] {
    std::uint64_t got = 0;
    auto t0 = steady::now();
    auto ok =
        copas::ftp::get({.url = url,
                         .type = "i",
                         .sink = [&](copas::ltn12::chunk c,
                                     const std::optional<copas::error>&) -> copas::result<void> {
                           if (c) got += c->size();
                           return {};
                         }});
    t = seconds_since(t0);
    if (!ok || got != expect) {
      std::fprintf(stderr, "copas::ftp::get failed: %s (%llu bytes)\n",
                   ok ? "short" : ok.error().message().c_str(),
                   static_cast<unsigned long long>(got));
      std::exit(1);
    }
  });
  copas::loop();
  return t;
}

// Runs a downloader's command line to /dev/null; its wall time.
double time_command(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  auto t0 = steady::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) {
    std::fprintf(stderr, "cannot run %s\n", args[0]);
    std::exit(1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  double t = seconds_since(t0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s failed\n", args[0]);
    std::exit(1);
  }
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::size_t bytes = mib << 20;
  copas::test::ftp_server server;
  write_random_file(server.root / "big.bin", bytes);
  const std::string url = server.url("/big.bin");

  std::vector<double> ours, cli, theirs;
  const auto run = [&](int which) {
    if (which == 0) ours.push_back(time_copas(url, bytes));
    if (which == 1) cli.push_back(time_command({COPAS_FETCH_BIN, "-s", "-o", "/dev/null", url}));
    if (which == 2) theirs.push_back(time_command({"curl", "-s", "-S", "-o", "/dev/null", url}));
  };
  for (int i = 0; i < rounds; ++i)
    for (int k = 0; k < 3; ++k) run((i + k) % 3);
  const double mb = static_cast<double>(bytes) / (1 << 20);
  const double a = median(ours), f = median(cli), b = median(theirs);
  std::printf("ftp download of %zu MiB from pyftpdlib on 127.0.0.1, median of %d rounds\n", mib,
              rounds);
  std::printf("  copas::ftp::get  : %7.3f s  %8.1f MiB/s  %.2fx curl\n", a, mb / a, b / a);
  std::printf("  copas-fetch (CLI): %7.3f s  %8.1f MiB/s  %.2fx curl\n", f, mb / f, b / f);
  std::printf("  curl (baseline)  : %7.3f s  %8.1f MiB/s\n", b, mb / b);
  std::printf("  ratio = curl time / ours (throughput ratio); target >= 0.9x\n");
  return 0;
}
