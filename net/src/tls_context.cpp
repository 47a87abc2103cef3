// LuaSec's context.c in C++: a tls_params table compiled into an SSL_CTX, with LuaSec's error
// messages for bad parameters; the caches that make compiling (and trust stores, and full
// handshakes) a once-per-thread cost.
#include "tls_session.hpp"

#include <copas/net/tls_server.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/stat.h>

#include <cstring>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
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

void load_pair(SSL_CTX* ctx, const std::string& cert, const std::string& key,
               const std::string& pw) {
  using detail::certificate_load_error;
  if (!cert.empty() && SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    throw certificate_load_error("error loading certificate (" + openssl_reason() + ")");
  if (key.empty()) return;
  SSL_CTX_set_default_passwd_cb(ctx, password_callback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&pw));
  int ok = SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (ok != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      throw certificate_load_error("private key does not match public key");
    }
    throw certificate_load_error("error loading private key (" + openssl_reason() + ")");
  }
  if (SSL_CTX_check_private_key(ctx) != 1)
    throw certificate_load_error("private key does not match public key");
}

// The version one protocol name pins; 0 for "any" (TLS 1.2 and later).
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
                            static_cast<unsigned>(wire->size()), in,
                            inlen) != OPENSSL_NPN_NEGOTIATED)
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

// "mtime/size" of a file, so that a cache keyed by it sees the file replaced (rotation).
std::string file_stamp(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return "-";
  return std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
         std::to_string(st.st_size);
}

using store_ptr = std::shared_ptr<X509_STORE>;

// The trust stores, one per (cafile, capath) and process: X509_STORE is reference-counted and
// locks itself, so every context of every thread shares one. The system store (no cafile, no
// capath) is read once; a CA file is read again only when it changed.
store_ptr trust_store(const std::string& cafile, const std::string& capath) {
  static std::mutex lock;
  static std::map<std::string, store_ptr> stores;
  std::string key = cafile + '\0' + file_stamp(cafile) + '\0' + capath;
  std::lock_guard guard(lock);
  if (auto it = stores.find(key); it != stores.end()) return it->second;
  store_ptr st(X509_STORE_new(), X509_STORE_free);
  if (!st) throw std::runtime_error("error creating certificate store (" + openssl_reason() + ")");
  bool ok = cafile.empty() && capath.empty()
                ? X509_STORE_set_default_paths(st.get()) == 1
                : X509_STORE_load_locations(st.get(), cafile.empty() ? nullptr : cafile.c_str(),
                                            capath.empty() ? nullptr : capath.c_str()) == 1;
  if (!ok) throw std::invalid_argument("error loading CA locations (" + openssl_reason() + ")");
  ERR_clear_error();  // the system paths may name a directory that does not exist
  stores.emplace(std::move(key), st);
  return st;
}

// ---- client sessions ---------------------------------------------------------------------

// Kept per thread: sockets (and so their sessions) belong to their dispatcher's thread.
constexpr std::size_t max_sessions = 1024;
thread_local std::unordered_map<std::string, std::shared_ptr<SSL_SESSION>> sessions;

int session_key_index() {
  static int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr,
                                        [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
                                          delete static_cast<std::string*>(ptr);
                                        });
  return idx;
}

int requested_index() {
  static int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

// OpenSSL hands over every session a server issues (TLS 1.3: the tickets after the handshake).
int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* key = static_cast<std::string*>(SSL_get_ex_data(ssl, session_key_index()));
  if (!key || !SSL_SESSION_is_resumable(session)) return 0;
  if (sessions.size() >= max_sessions) sessions.clear();
  sessions[*key] = std::shared_ptr<SSL_SESSION>(session, SSL_SESSION_free);
  return 1;  // the reference is ours now
}

// Called on a client only when the server sent a CertificateRequest.
int on_certificate_request(SSL* ssl, void*) {
  SSL_set_ex_data(ssl, requested_index(), ssl);
  return 1;
}

// ---- the client context cache ------------------------------------------------------------

constexpr std::size_t max_contexts = 64;
thread_local std::unordered_map<std::string, tls_context> client_contexts;

// Every field that changes a compiled context, length-prefixed (no two tables share a key),
// with the files' stamps.
std::string context_key(const tls_params& p) {
  std::string k;
  auto add = [&](std::string_view v) {
    k += std::to_string(v.size());
    k += ':';
    k += v;
  };
  auto add_file = [&](const std::string& path) {
    add(path);
    if (!path.empty()) add(file_stamp(path));
  };
  add(p.mode);
  add(p.protocol);
  add_file(p.certificate);
  add_file(p.key);
  add(p.password);
  for (auto& ck : p.certificates) {
    add_file(ck.certificate);
    add_file(ck.key);
    add(ck.password);
  }
  k += '|';
  add_file(p.cafile);
  add(p.capath);
  for (auto& v : p.verify) add(v);
  k += '|';
  for (auto& o : p.options) add(o);
  k += '|';
  add(p.ciphers);
  add(p.ciphersuites);
  add(std::to_string(p.depth));
  for (auto& a : p.alpn) add(a);
  return k;
}

}  // namespace

tls_context tls_context::create(const tls_params& p) {
  if (p.mode != "client" && p.mode != "server")
    throw std::invalid_argument("invalid mode (" + p.mode + ")");
  tls_context c;
  c.server_ = p.mode == "server";
  int version = protocol_version(p.protocol);
  c.ctx_.reset(SSL_CTX_new(c.server_ ? TLS_server_method() : TLS_client_method()), SSL_CTX_free);
  SSL_CTX* ctx = c.ctx_.get();
  if (!ctx) throw std::runtime_error("error creating context (" + openssl_reason() + ")");
  // Set after SSL_CTX_new, so that these win over the system's (or OPENSSL_CONF's) MinProtocol.
  if (version) {
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
    if (version < TLS1_2_VERSION) SSL_CTX_set_security_level(ctx, 0);  // asked for by name
  } else {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, 0);
  }
  unsigned long long opts = 0;
  for (auto& o : p.options) {
    auto* f = lookup(option_names, o);
    if (!f) throw std::invalid_argument("invalid option (" + o + ")");
    opts |= f->value;
  }
  SSL_CTX_set_options(ctx, opts);
  // RELEASE_BUFFERS: an idle connection holds no record buffers (about 34 KiB each).
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  // Read ahead: one recv() takes whole records (several, if queued), not a header then a body.
  SSL_CTX_set_read_ahead(ctx, 1);
  if (!c.server_) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    SSL_CTX_set_cert_cb(ctx, on_certificate_request, nullptr);
  }

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

  if (!p.cafile.empty() || !p.capath.empty() || c.verify_)
    SSL_CTX_set1_cert_store(ctx, trust_store(p.cafile, p.capath).get());
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

tls_context client_context(const tls_params& p, std::string& key) {
  key = context_key(p);
  if (auto it = client_contexts.find(key); it != client_contexts.end()) return it->second;
  auto c = tls_context::create(p);
  if (client_contexts.size() >= max_contexts) client_contexts.clear();
  client_contexts.emplace(key, c);
  return c;
}

std::shared_ptr<SSL_SESSION> cached_session(const std::string& key) {
  auto it = sessions.find(key);
  return it == sessions.end() ? nullptr : it->second;
}

void forget_session(const std::string& key) { sessions.erase(key); }

void set_session_key(SSL* ssl, std::string key) {
  SSL_set_ex_data(ssl, session_key_index(), new std::string(std::move(key)));
}

bool certificate_requested(SSL* ssl) { return SSL_get_ex_data(ssl, requested_index()) != nullptr; }

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
  if (p.context)
    st->fallback = *p.context;
  else if (p.wrap)
    st->fallback = tls_context::create(*p.wrap);
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

// ---- tls_server --------------------------------------------------------------------------

struct tls_server::state {
  std::mutex lock;  // reload() may come from another thread than the one serving
  ssl_params params;
  std::shared_ptr<detail::server_tls> current;
};

tls_server::tls_server(ssl_params params) : st_(std::make_shared<state>()) {
  st_->current = detail::compile_server_tls(params);
  st_->params = std::move(params);
}

result<void> tls_server::reload() {
  ssl_params p;
  {
    std::lock_guard guard(st_->lock);
    p = st_->params;
  }
  return reload(std::move(p));
}

result<void> tls_server::reload(ssl_params params) {
  std::shared_ptr<detail::server_tls> fresh;
  try {
    fresh = detail::compile_server_tls(params);
  } catch (const std::exception& e) {
    return error(errc::invalid_argument, e.what());
  }
  std::lock_guard guard(st_->lock);
  st_->current = std::move(fresh);
  st_->params = std::move(params);
  return {};
}

std::shared_ptr<detail::server_tls> tls_server::contexts() const {
  std::lock_guard guard(st_->lock);
  return st_->current;
}

}  // namespace copas
