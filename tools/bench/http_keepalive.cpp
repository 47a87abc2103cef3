// bench_http_keepalive: small GETs against a loopback nginx, in one run:
//  (2) 2,000 GETs over keep-alive from one fiber, copas::http vs libcurl's easy interface reusing
//      its connection (the baseline), req/s and the ratio (target >= 0.8x);
//  (3) 100 fibers doing the same GETs concurrently, req/s.
#include "libcurl_baseline.hpp"
#include "nginx_server.hpp"

#include <copas/core.hpp>
#include <copas/http.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using copas::bench::discard;
using copas::bench::median;
using copas::bench::now;

double curl_rate(const std::string& url, int n) {
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_perform(c);  // warm-up: opens the connection
  double t0 = now();
  for (int i = 0; i < n; ++i)
    if (curl_easy_perform(c) != CURLE_OK) throw std::runtime_error("curl failed");
  double dt = now() - t0;
  curl_easy_cleanup(c);
  return n / dt;
}

double copas_rate(const std::string& url, int n) {
  double dt = 0;
  copas::loop([&] {
    (void)copas::http::request(url);  // warm-up
    double t0 = now();
    for (int i = 0; i < n; ++i)
      if (!copas::http::request(url)) throw std::runtime_error("copas request failed");
    dt = now() - t0;
    copas::http::pool::clear();
  });
  return n / dt;
}

double copas_concurrent_rate(const std::string& url, int fibers, int each) {
  double t0 = now();
  int done = 0;
  copas::loop([&] {
    for (int f = 0; f < fibers; ++f)
      copas::addthread([&] {
        for (int i = 0; i < each; ++i)
          if (copas::http::request(url)) ++done;
      });
  });
  double dt = now() - t0;
  copas::http::pool::clear();
  if (done != fibers * each) throw std::runtime_error("some concurrent requests failed");
  return done / dt;
}

}  // namespace

// bench_http_keepalive [GETS [RUNS]]: GETS requests per run (2000), RUNS alternating runs (7).
int main(int argc, char** argv) {
  std::string dir = "/tmp/copas-bench-http-XXXXXX";
  if (!::mkdtemp(dir.data())) return 1;
  std::string cmd = "cd " + dir +
                    " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem"
                    " -out cert.pem -days 1 -subj /CN=localhost >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return 1;
  copas::test::nginx_server nginx(dir + "/cert.pem", dir + "/key.pem");
  nginx.put_file("small.txt", std::string(100, 's'));
  std::string url = "http://127.0.0.1:" + std::to_string(nginx.http_port()) + "/small.txt";
  const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  // Alternating runs, medians of each side: one run lasts a fraction of a second, and this
  // machine's speed drifts more than that between runs.
  const int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  std::vector<double> bases, ourses;
  for (int i = 0; i < runs; ++i) {
    bases.push_back(curl_rate(url, n));
    ourses.push_back(copas_rate(url, n));
  }
  double base = median(bases);
  double ours = median(ourses);
  std::printf(
      "keep-alive GETs, one fiber (%d, median of %d runs): copas %.0f req/s, libcurl easy %.0f "
      "req/s, ratio %.2fx (target >= 0.8x)\n",
      n, runs, ours, base, ours / base);
  double conc = copas_concurrent_rate(url, 100, 20);
  std::printf("100 fibers x 20 GETs: copas %.0f req/s (%.2fx the one-fiber libcurl figure)\n", conc,
              conc / base);
  std::system(("rm -rf " + dir).c_str());
  return 0;
}
