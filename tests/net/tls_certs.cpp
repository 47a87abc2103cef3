#include "tls_certs.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

namespace copas::test {

namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

key_ptr new_key() { return {EVP_EC_gen("P-256"), EVP_PKEY_free}; }

void add_ext(X509* x, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("bad extension " + value);
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
}

x509_ptr new_cert(EVP_PKEY* key, const std::string& cn, const std::string& san, X509* issuer,
                  EVP_PKEY* issuer_key, bool ca, long from, long to) {
  static long serial = 1;
  x509_ptr x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), from);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), to);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  add_ext(x.get(), issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca) add_ext(x.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!san.empty()) add_ext(x.get(), issuer, NID_subject_alt_name, san);
  X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256());
  return x;
}

void write(const std::string& path, X509* x) {
  FILE* f = std::fopen(path.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
}

void write(const std::string& path, EVP_PKEY* k) {
  FILE* f = std::fopen(path.c_str(), "w");
  PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

test_pki make() {
  char tmpl[] = "/tmp/copas-net-tls-XXXXXX";
  test_pki p;
  p.dir = mkdtemp(tmpl);
  constexpr long day = 86400;
  auto ca_key = new_key();
  auto ca = new_cert(ca_key.get(), "copas test CA", "", nullptr, nullptr, true, -day, 30 * day);
  p.ca = p.dir + "/ca.pem";
  write(p.ca, ca.get());
  auto leaf = [&](const char* file, const std::string& cn, const std::string& san, bool self,
                  long from, long to) {
    auto k = new_key();
    auto c = self ? new_cert(k.get(), cn, san, nullptr, nullptr, false, from, to)
                  : new_cert(k.get(), cn, san, ca.get(), ca_key.get(), false, from, to);
    cert_files f{p.dir + "/" + file + ".pem", p.dir + "/" + file + ".key"};
    write(f.cert, c.get());
    write(f.key, k.get());
    return f;
  };
  const std::string local_san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  p.localhost = leaf("localhost", "localhost", local_san, false, -day, 30 * day);
  p.myhost = leaf("myhost", "myhost.com", "DNS:myhost.com", false, -day, 30 * day);
  p.expired = leaf("expired", "localhost", local_san, false, -3 * day, -day);
  p.self_signed = leaf("self", "localhost", local_san, true, -day, 30 * day);
  p.client = leaf("client", "copas client", "DNS:client", false, -day, 30 * day);
  return p;
}

}  // namespace

const test_pki& pki() {
  // Never destroyed, so that the exit handler that removes the files can still read it.
  static const test_pki& p = [] {
    auto* made = new test_pki(make());
    std::atexit([] { std::filesystem::remove_all(pki().dir); });
    return std::ref(*made);
  }();
  return p;
}

}  // namespace copas::test
