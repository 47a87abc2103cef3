// bench_http_download: (1) a 100 MiB download from a loopback nginx, copas-fetch vs curl (the
// baseline), MB/s and the ratio (target >= 0.9x). Best of 5 interleaved runs each: the machine is
// shared, and the best run is the one least disturbed.
#include "nginx_server.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

double timed(const std::string& cmd) {
  auto t0 = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "failed: %s\n", cmd.c_str());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// bench_http_download [MIB [ROUNDS]]: a MIB MiB file (100), best of ROUNDS rounds (5).
int main(int argc, char** argv) {
  std::string dir = "/tmp/copas-bench-dl-XXXXXX";
  if (!::mkdtemp(dir.data())) return 1;
  std::string cmd = "cd " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem"
                    " -out cert.pem -days 1 -subj /CN=localhost >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return 1;
  copas::test::nginx_server nginx(dir + "/cert.pem", dir + "/key.pem");
  const std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::size_t size = mib << 20;
  {
    std::ofstream f(nginx.www() + "/big.bin", std::ios::binary);
    std::string block(1 << 20, 'x');
    for (std::size_t i = 0; i < size; i += block.size()) f << block;
  }
  std::string url = "http://127.0.0.1:" + std::to_string(nginx.http_port()) + "/big.bin";
  double best_curl = 1e9, best_ours = 1e9;
  for (int i = 0; i < rounds; ++i) {
    best_curl = std::min(best_curl, timed("curl -s -o /dev/null " + url));
    best_ours = std::min(best_ours, timed(std::string(COPAS_FETCH_BIN) + " -s -o /dev/null " + url));
  }
  double mb = static_cast<double>(size) / 1e6;
  std::printf("%zu MiB download: copas-fetch %.0f MB/s, curl %.0f MB/s, ratio %.2fx (target >= 0.9x)\n",
              mib, mb / best_ours, mb / best_curl, best_curl / best_ours);
  std::system(("rm -rf " + dir).c_str());
  return 0;
}
