// bench_http_download: copas-fetch vs curl (the baseline) against a loopback nginx, same command
// lines, interleaved runs, medians:
//   (1) a 100 MiB download, MB/s and the speed ratio (target >= 1.5x);
//   (2) -Z: 200 small files with --parallel-max 50, wall time and the time ratio (target <= 1.0x).
#include "nginx_server.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

double timed(const std::string& cmd) {
  auto t0 = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "failed: %s\n", cmd.c_str());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs `a` and `b` interleaved `n` times; their median wall times.
std::pair<double, double> race(const std::string& a, const std::string& b, int n) {
  std::vector<double> ta, tb;
  for (int i = 0; i < n; ++i) {
    ta.push_back(timed(a));
    tb.push_back(timed(b));
  }
  return {median(ta), median(tb)};
}

}  // namespace

// bench_http_download [MIB [RUNS]]: a MIB MiB file (100) and 200 small files, medians of RUNS
// interleaved runs (7).
int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  std::string dir = "/tmp/copas-bench-dl-XXXXXX";
  if (!::mkdtemp(dir.data())) return 1;
  std::string cmd = "cd " + dir +
                    " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem"
                    " -out cert.pem -days 1 -subj /CN=localhost >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return 1;
  copas::test::nginx_server nginx(dir + "/cert.pem", dir + "/key.pem");
  const std::size_t size = mib << 20;
  {
    std::ofstream f(nginx.www() + "/big.bin", std::ios::binary);
    std::string block(1 << 20, 'x');
    for (std::size_t i = 0; i < size; i += block.size()) f << block;
  }
  const std::string base = "http://127.0.0.1:" + std::to_string(nginx.http_port());
  const std::string fetch = COPAS_FETCH_BIN;

  auto [curl_dl, ours_dl] = race("curl -s -o /dev/null " + base + "/big.bin",
                                 fetch + " -s -o /dev/null " + base + "/big.bin", runs);
  double mb = static_cast<double>(size) / 1e6;
  std::printf(
      "%zu MiB download (median of %d): copas-fetch %.0f MB/s, curl %.0f MB/s, ratio %.2fx (target "
      ">= 1.5x)\n",
      mib, runs, mb / ours_dl, mb / curl_dl, curl_dl / ours_dl);

  std::string files;
  for (int i = 0; i < 200; ++i) {
    nginx.put_file("small/" + std::to_string(i) + ".txt",
                   std::string(2048, static_cast<char>('a' + i % 26)));
    files += " -o /dev/null " + base + "/small/" + std::to_string(i) + ".txt";
  }
  const std::string args =
      " -s -Z --parallel-max 50" + files + " 2>/dev/null";  // curl -Z draws its meter even with -s
  auto [curl_z, ours_z] = race("curl" + args, fetch + args, runs);
  std::printf(
      "-Z 200 x 2 KiB, --parallel-max 50 (median of %d): copas-fetch %.1f ms, curl %.1f ms, time "
      "ratio %.2fx (target <= 1.0x)\n",
      runs, ours_z * 1e3, curl_z * 1e3, ours_z / curl_z);
  std::system(("rm -rf " + dir).c_str());
  return 0;
}
