// bench_https_connect: one new HTTPS connection per GET against a loopback nginx, trusting one CA
// bundle (the system store plus the test CA), copas::http vs libcurl in the same run, medians of
// interleaved runs, as time per request:
//  (1) full handshakes (nginx with session tickets and cache off): copas reuses its compiled
//      context and trust store; libcurl (a new easy handle per request, as the curl tool) loads
//      the bundle every time. Target: copas <= 0.2x libcurl's time.
//  (2) with resumption (nginx issuing TLS 1.3 tickets): copas's per-thread session cache vs
//      libcurl with one easy handle, its connection never reused (FORBID_REUSE), its session
//      cache (and loaded bundle) kept across requests.
#include "libcurl_baseline.hpp"
#include "nginx_server.hpp"

#include <copas/core.hpp>
#include <copas/http.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using copas::bench::discard;
using copas::bench::median;
using copas::bench::now;

void curl_setup(CURL* c, const std::string& url, const std::string& bundle) {
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_CAINFO, bundle.c_str());
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
}

// Seconds per request: a fresh easy handle for each (no session, bundle loaded each time).
double curl_fresh(const std::string& url, const std::string& bundle, int n) {
  double t0 = now();
  for (int i = 0; i < n; ++i) {
    CURL* c = curl_easy_init();
    curl_setup(c, url, bundle);
    if (curl_easy_perform(c) != CURLE_OK) throw std::runtime_error("curl failed");
    curl_easy_cleanup(c);
  }
  return (now() - t0) / n;
}

// Seconds per request: one easy handle, a new connection each time, its session resumed.
double curl_resuming(const std::string& url, const std::string& bundle, int n) {
  CURL* c = curl_easy_init();
  curl_setup(c, url, bundle);
  if (curl_easy_perform(c) != CURLE_OK) throw std::runtime_error("curl failed");  // warm-up
  double t0 = now();
  for (int i = 0; i < n; ++i)
    if (curl_easy_perform(c) != CURLE_OK) throw std::runtime_error("curl failed");
  double dt = now() - t0;
  curl_easy_cleanup(c);
  return dt / n;
}

// Seconds per request: keepalive off, so each GET opens (and handshakes) a new connection.
double copas_new_connection(const std::string& url, const std::string& bundle, int n) {
  double dt = 0;
  copas::loop([&] {
    copas::http::request_params p;
    p.url = url;
    p.keepalive = false;
    p.sslparams = copas::ssl_params{.wrap = copas::tls_params{.mode = "client", .cafile = bundle}};
    if (!copas::http::request(p)) throw std::runtime_error("copas request failed");  // warm-up
    double t0 = now();
    for (int i = 0; i < n; ++i) {
      if (!copas::http::request(p)) throw std::runtime_error("copas request failed");
    }
    dt = now() - t0;
  });
  return dt / n;
}

std::string make_pki(const std::string& dir) {
  std::string cmd =
      "cd " + dir +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
      " -keyout ca.key -out ca.pem -days 1 -subj /CN=bench-ca >/dev/null 2>&1"
      " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem"
      " -out req.pem -subj /CN=localhost >/dev/null 2>&1"
      " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf"
      " && openssl x509 -req -in req.pem -CA ca.pem -CAkey ca.key -CAcreateserial"
      " -out cert.pem -days 1 -extfile ext.cnf >/dev/null 2>&1"
      " && cat /etc/ssl/certs/ca-certificates.crt ca.pem > bundle.pem";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("making the test PKI failed");
  return dir + "/bundle.pem";
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100;
  const int runs = 5;
  std::string dir = "/tmp/copas-bench-https-XXXXXX";
  if (!::mkdtemp(dir.data())) return 1;
  std::string bundle = make_pki(dir);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  {
    copas::test::nginx_server full(dir + "/cert.pem", dir + "/key.pem",
                                   {.extra_https = "    ssl_session_tickets off;\n"});
    copas::test::nginx_server resuming(dir + "/cert.pem", dir + "/key.pem");
    full.put_file("small.txt", std::string(100, 's'));
    resuming.put_file("small.txt", std::string(100, 's'));
    auto url = [](const copas::test::nginx_server& s) {
      return "https://localhost:" + std::to_string(s.https_port()) + "/small.txt";
    };
    std::vector<double> cf, kf, cr, kr;
    for (int i = 0; i < runs; ++i) {
      kf.push_back(curl_fresh(url(full), bundle, n));
      cf.push_back(copas_new_connection(url(full), bundle, n));
      kr.push_back(curl_resuming(url(resuming), bundle, n));
      cr.push_back(copas_new_connection(url(resuming), bundle, n));
    }
    double a = median(cf), b = median(kf), c = median(cr), d = median(kr);
    std::printf(
        "new HTTPS connection per GET, %d GETs x %d interleaved runs (medians), bundle: system "
        "store + test CA\n",
        n, runs);
    std::printf(
        "  full handshake:  copas %.3f ms/req, libcurl %.3f ms/req (fresh easy handle), ratio "
        "%.3fx (target <= 0.2x)\n",
        a * 1e3, b * 1e3, a / b);
    std::printf(
        "  with resumption: copas %.3f ms/req, libcurl %.3f ms/req (one easy handle), ratio "
        "%.3fx\n",
        c * 1e3, d * 1e3, c / d);
  }
  curl_global_cleanup();
  std::system(("rm -rf " + dir).c_str());
  return 0;
}
