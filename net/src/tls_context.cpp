// LuaSec's context.c in C++: a tls_params table compiled into an SSL_CTX, with LuaSec's error
// messages for bad parameters.
#include "tls_session.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <csignal>
#include <cstring>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace copas {

namespace {

struct named_flag {
  std::string_view name;
  unsigned long long value;
};

// LuaSec's option names (options.c), those OpenSSL 3 still has.
constexpr named_flag option_names[] = {
    {"all", SSL_OP_ALL},
    {"allow_unsafe_legacy_renegotiation", SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION},
    {"cipher_server_preference", SSL_OP_CIPHER_SERVER_PREFERENCE},
    {"cisco_anyconnect", SSL_OP_CISCO_ANYCONNECT},
    {"cookie_exchange", SSL_OP_COOKIE_EXCHANGE},
    {"dont_insert_empty_fragments", SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS},
    {"enable_middlebox_compat", SSL_OP_ENABLE_MIDDLEBOX_COMPAT},
    {"ignore_unexpected_eof", SSL_OP_IGNORE_UNEXPECTED_EOF},
    {"legacy_server_connect", SSL_OP_LEGACY_SERVER_CONNECT},
    {"no_anti_replay", SSL_OP_NO_ANTI_REPLAY},
    {"no_compression", SSL_OP_NO_COMPRESSION},
    {"no_encrypt_then_mac", SSL_OP_NO_ENCRYPT_THEN_MAC},
    {"no_query_mtu", SSL_OP_NO_QUERY_MTU},
    {"no_renegotiation", SSL_OP_NO_RENEGOTIATION},
    {"no_session_resumption_on_renegotiation", SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION},
    {"no_sslv2", 0},  // gone from OpenSSL: always off
    {"no_sslv3", SSL_OP_NO_SSLv3},
    {"no_ticket", SSL_OP_NO_TICKET},
    {"no_tlsv1", SSL_OP_NO_TLSv1},
    {"no_tlsv1_1", SSL_OP_NO_TLSv1_1},
    {"no_tlsv1_2", SSL_OP_NO_TLSv1_2},
    {"no_tlsv1_3", SSL_OP_NO_TLSv1_3},
    {"prioritize_chacha", SSL_OP_PRIORITIZE_CHACHA},
    {"single_dh_use", 0},    // always on in OpenSSL 3
    {"single_ecdh_use", 0},  // always on in OpenSSL 3
    {"tls_rollback_bug", SSL_OP_TLS_ROLLBACK_BUG},
};

constexpr named_flag verify_names[] = {
    {"none", SSL_VERIFY_NONE},
    {"peer", SSL_VERIFY_PEER},
    {"client_once", SSL_VERIFY_CLIENT_ONCE},
    {"fail_if_no_peer_cert", SSL_VERIFY_FAIL_IF_NO_PEER_CERT},
};

const named_flag* lookup(std::span<const named_flag> table, std::string_view name) {
  for (auto& f : table)
    if (f.name == name) return &f;
  return nullptr;
}

std::string openssl_reason() {
  unsigned long e = ERR_peek_last_error();
  const char* r = e ? ERR_reason_error_string(e) : nullptr;
  ERR_clear_error();
  return r ? r : "unknown error";
}

int password_callback(char* buf, int size, int, void* arg) {
  auto* pw = static_cast<const std::string*>(arg);
  int n = static_cast<int>(std::min<std::size_t>(pw->size(), static_cast<std::size_t>(size)));
  std::memcpy(buf, pw->data(), static_cast<std::size_t>(n));
  return n;
}

void load_pair(SSL_CTX* ctx, const std::string& cert, const std::string& key, const std::string& pw) {
  if (!cert.empty() && SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    throw std::invalid_argument("error loading certificate (" + openssl_reason() + ")");
  if (key.empty()) return;
  SSL_CTX_set_default_passwd_cb(ctx, password_callback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&pw));
  int ok = SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (ok != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      throw std::invalid_argument("private key does not match public key");
    }
    throw std::invalid_argument("error loading private key (" + openssl_reason() + ")");
  }
  if (SSL_CTX_check_private_key(ctx) != 1)
    throw std::invalid_argument("private key does not match public key");
}

int protocol_version(const std::string& p) {
  if (p == "any" || p == "sslv23") return 0;
  if (p == "tlsv1") return TLS1_VERSION;
  if (p == "tlsv1_1") return TLS1_1_VERSION;
  if (p == "tlsv1_2") return TLS1_2_VERSION;
  if (p == "tlsv1_3") return TLS1_3_VERSION;
  throw std::invalid_argument("invalid protocol (" + p + ")");
}

// ALPN in the wire format: length-prefixed names.
std::string alpn_wire(const std::vector<std::string>& names) {
  if (names.empty()) throw std::invalid_argument("invalid ALPN list (empty)");
  std::string out;
  for (auto& n : names) {
    if (n.empty()) throw std::invalid_argument("invalid ALPN name (empty string)");
    if (n.size() > 255) throw std::invalid_argument("invalid ALPN name (length > 255)");
    out += static_cast<char>(n.size());
    out += n;
  }
  return out;
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned inlen, void* arg) {
  auto* wire = static_cast<std::string*>(arg);
  unsigned char* sel = nullptr;
  if (SSL_select_next_proto(&sel, outlen, reinterpret_cast<const unsigned char*>(wire->data()),
                            static_cast<unsigned>(wire->size()), in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = sel;
  return SSL_TLSEXT_ERR_OK;
}

int alpn_index() {
  static int idx = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr, [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<std::string*>(ptr);
      });
  return idx;
}

}  // namespace

tls_context tls_context::create(const tls_params& p) {
  if (p.mode != "client" && p.mode != "server")
    throw std::invalid_argument("invalid mode (" + p.mode + ")");
  // SSL_write on a socket the peer reset raises SIGPIPE; a library must not kill its process.
  static std::once_flag sigpipe;
  std::call_once(sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });

  tls_context c;
  c.server_ = p.mode == "server";
  int version = protocol_version(p.protocol);
  c.ctx_.reset(SSL_CTX_new(c.server_ ? TLS_server_method() : TLS_client_method()), SSL_CTX_free);
  SSL_CTX* ctx = c.ctx_.get();
  if (!ctx) throw std::runtime_error("error creating context (" + openssl_reason() + ")");
  if (version) {
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
  }
  unsigned long long opts = 0;
  for (auto& o : p.options) {
    auto* f = lookup(option_names, o);
    if (!f) throw std::invalid_argument("invalid option (" + o + ")");
    opts |= f->value;
  }
  SSL_CTX_set_options(ctx, opts);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

  int mode = c.server_ ? SSL_VERIFY_NONE : SSL_VERIFY_PEER;  // secure by default
  if (!p.verify.empty()) {
    mode = SSL_VERIFY_NONE;
    for (auto& v : p.verify) {
      auto* f = lookup(verify_names, v);
      if (!f) throw std::invalid_argument("invalid verify option (" + v + ")");
      mode |= static_cast<int>(f->value);
    }
  }
  c.verify_ = mode != SSL_VERIFY_NONE;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  if (p.depth >= 0) SSL_CTX_set_verify_depth(ctx, p.depth);

  load_pair(ctx, p.certificate, p.key, p.password);
  for (auto& ck : p.certificates) load_pair(ctx, ck.certificate, ck.key, ck.password);

  if (!p.cafile.empty() || !p.capath.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, p.cafile.empty() ? nullptr : p.cafile.c_str(),
                                      p.capath.empty() ? nullptr : p.capath.c_str()) != 1)
      throw std::invalid_argument("error loading CA locations (" + openssl_reason() + ")");
  } else if (c.verify_) {
    SSL_CTX_set_default_verify_paths(ctx);
  }
  if (!p.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, p.ciphers.c_str()) != 1)
    throw std::invalid_argument("error setting cipher list (" + openssl_reason() + ")");
  if (!p.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, p.ciphersuites.c_str()) != 1)
    throw std::invalid_argument("error setting cipher suites (" + openssl_reason() + ")");
  if (!p.alpn.empty()) {
    auto wire = alpn_wire(p.alpn);
    if (c.server_) {
      auto* kept = new std::string(std::move(wire));
      SSL_CTX_set_ex_data(ctx, alpn_index(), kept);
      SSL_CTX_set_alpn_select_cb(ctx, select_alpn, kept);
    } else {
      SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                              static_cast<unsigned>(wire.size()));
    }
  }
  return c;
}

bool tls_context::is_server() const noexcept { return server_; }
bool tls_context::verifies() const noexcept { return verify_; }

namespace detail {

namespace {
int on_servername(SSL* ssl, int* alert, void* arg) {
  auto* st = static_cast<server_tls*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (!name) return SSL_TLSEXT_ERR_NOACK;  // no SNI: the default context (luasec#213)
  if (auto it = st->by_name.find(name); it != st->by_name.end()) {
    SSL_set_SSL_CTX(ssl, it->second.native());
    return SSL_TLSEXT_ERR_OK;
  }
  if (st->strict) {
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  return SSL_TLSEXT_ERR_OK;
}
}  // namespace

std::shared_ptr<server_tls> compile_server_tls(const ssl_params& p) {
  auto st = std::make_shared<server_tls>();
  auto* names = p.sni ? std::get_if<std::map<std::string, tls_params>>(&p.sni->names) : nullptr;
  if (p.wrap) st->fallback = tls_context::create(*p.wrap);
  if (names) {
    for (auto& [host, params] : *names) st->by_name.emplace(host, tls_context::create(params));
    st->strict = p.sni->strict;
    if (!st->fallback && !st->by_name.empty()) st->fallback = st->by_name.begin()->second;
  }
  if (!st->fallback)
    throw std::invalid_argument(
        "cannot wrap socket into a secure socket (using 'ssl.wrap()') without parameters/context");
  if (names) {
    SSL_CTX_set_tlsext_servername_callback(st->fallback->native(), on_servername);
    SSL_CTX_set_tlsext_servername_arg(st->fallback->native(), st.get());
  }
  return st;
}

}  // namespace detail

}  // namespace copas
