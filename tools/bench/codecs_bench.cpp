// Base64 throughput of copas::mime (LuaSocket's byte-at-a-time algorithm, incremental and
// lenient) against OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock on the same 16 MiB, in the same
// run. Prints MB/s for each and copas/OpenSSL as a ratio (1.0 = as fast as OpenSSL).
//
//   bench_codecs_b64 [MiB=16] [runs=5]
#include <copas/net/ltn12.hpp>
#include <copas/net/mime.hpp>

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace {

template <class F>
double best_seconds(int runs, F&& f) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const std::chrono::duration<double> d = std::chrono::steady_clock::now() - t0;
    if (d.count() < best) best = d.count();
  }
  return best;
}

void report(const char* what, std::size_t bytes, double copas_s, double openssl_s) {
  const double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  std::printf("%-28s copas %8.1f MB/s   openssl %8.1f MB/s   ratio %.2f\n", what, mb / copas_s,
              mb / openssl_s, openssl_s / copas_s);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 16;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  std::string data(mib * 1024 * 1024, '\0');
  std::mt19937_64 gen(42);
  for (std::size_t i = 0; i + 8 <= data.size(); i += 8) {
    const auto v = gen();
    data.replace(i, 8, reinterpret_cast<const char*>(&v), 8);
  }

  std::string encoded;
  const double enc = best_seconds(runs, [&] { encoded = *copas::mime::b64(data).out; });
  std::string ossl_out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const double enc_ossl = best_seconds(runs, [&] {
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(ossl_out.data()),
                    reinterpret_cast<const unsigned char*>(data.data()),
                    static_cast<int>(data.size()));
  });
  if (ossl_out.compare(0, encoded.size(), encoded) != 0) {
    std::fprintf(stderr, "encodings differ\n");
    return 1;
  }

  std::string decoded;
  const double dec = best_seconds(runs, [&] { decoded = *copas::mime::unb64(encoded).out; });
  std::string ossl_dec(encoded.size() / 4 * 3 + 3, '\0');
  const double dec_ossl = best_seconds(runs, [&] {
    EVP_DecodeBlock(reinterpret_cast<unsigned char*>(ossl_dec.data()),
                    reinterpret_cast<const unsigned char*>(encoded.data()),
                    static_cast<int>(encoded.size()));
  });
  if (decoded != data) {
    std::fprintf(stderr, "decode did not round-trip\n");
    return 1;
  }

  // The way protocol clients use it: an ltn12 filter fed 2048-byte chunks.
  const double stream = best_seconds(runs, [&] {
    std::vector<std::string> out;
    (void)copas::ltn12::pump::all(copas::ltn12::source::chain(copas::ltn12::source::string(data),
                                                              copas::mime::encode("base64")),
                                  copas::ltn12::sink::table(out));
  });

  std::printf("Base64 on %zu MiB, best of %d runs\n", mib, runs);
  report("encode (one call)", data.size(), enc, enc_ossl);
  report("decode (one call)", data.size(), dec, dec_ossl);
  report("encode (ltn12 filter, 2 KiB)", data.size(), stream, enc_ossl);
  return 0;
}
