#include "inflate.hpp"

#include <copas/net/ascii.hpp>

#include <zlib.h>

#include <memory>

namespace copas::fetch {

namespace {

struct inflater {
  z_stream z{};
  bool started = false, raw = false, done = false;
  ~inflater() {
    if (started) inflateEnd(&z);
  }
  bool start(bool raw_deflate) {
    if (started) inflateEnd(&z);
    z = z_stream{};
    raw = raw_deflate;
    // 15 + 32: zlib or gzip header, detected; -15: a bare deflate stream (servers that send
    // "deflate" without the zlib wrapper, which curl also accepts).
    started = inflateInit2(&z, raw ? -15 : 15 + 32) == Z_OK;
    return started;
  }
};

}  // namespace

ltn12::sink inflating(std::string_view encoding, ltn12::sink inner) {
  auto e = ascii::lower(encoding);
  if (e != "gzip" && e != "x-gzip" && e != "deflate") return inner;
  auto st = std::make_shared<inflater>();
  if (!st->start(false)) return inner;
  bool deflate = e == "deflate";
  return [st, deflate, inner, first = true](
             ltn12::chunk c, const std::optional<copas::error>& err) mutable -> result<void> {
    if (!c) return inner(std::nullopt, err);
    std::string in = *c;
    std::string out(64 * 1024, '\0');
    for (bool retried = false;;) {
      st->z.next_in = reinterpret_cast<Bytef*>(in.data());
      st->z.avail_in = static_cast<uInt>(in.size());
      bool failed = false;
      std::string produced;
      while (st->z.avail_in > 0 && !st->done) {
        st->z.next_out = reinterpret_cast<Bytef*>(out.data());
        st->z.avail_out = static_cast<uInt>(out.size());
        int rc = inflate(&st->z, Z_NO_FLUSH);
        produced.append(out.data(), out.size() - st->z.avail_out);
        if (rc == Z_STREAM_END)
          st->done = true;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) {
          failed = true;
          break;
        }
        if (rc == Z_BUF_ERROR && st->z.avail_out != 0) break;
      }
      if (failed && first && deflate && !retried) {  // not zlib-wrapped: try raw deflate
        st->start(true);
        retried = true;
        continue;
      }
      if (failed) return copas::error(copas::errc::protocol_error, "bad content encoding");
      first = false;
      if (produced.empty()) return {};
      return inner(std::move(produced), std::nullopt);
    }
  };
}

}  // namespace copas::fetch
