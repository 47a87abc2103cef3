// libFuzzer target for copas::mime. Properties:
// - unb64(b64(x)) == x and unqp(qp(x)) == x (text and binary mode, wrapped or not);
// - each filter gives the same output whatever the chunk boundaries (the first input byte picks
//   a chunk size);
// - decoders never grow their input, wrapped lines respect the length.
#include <copas/net/ltn12.hpp>
#include <copas/net/mime.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace mime = copas::mime;
namespace ltn12 = copas::ltn12;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::string run(ltn12::filter f, std::string_view in, std::size_t chunk) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += chunk) {
    if (auto o = f(std::string(in.substr(i, chunk)))) out += *o;
  }
  while (auto o = f(std::nullopt)) out += *o;
  return out;
}

std::string run(ltn12::filter f, std::string_view in) {
  return run(std::move(f), in, in.size() + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  const std::string b64 = run(mime::encode("base64"), in);
  check(run(mime::encode("base64"), in, chunk) == b64);
  check(b64.size() == (in.size() + 2) / 3 * 4);
  check(run(mime::decode("base64"), b64, chunk) == in);

  for (const char* mode : {"text", "binary"}) {
    const std::string qp = run(mime::encode("quoted-printable", mode), in);
    check(run(mime::encode("quoted-printable", mode), in, chunk) == qp);
    check(run(mime::decode("quoted-printable"), qp, chunk) == in);
    const std::string wrapped = run(mime::wrap("quoted-printable"), qp, chunk);
    check(run(mime::decode("quoted-printable"), wrapped) == in);
  }

  // Arbitrary input to the decoders: no crash, no growth.
  check(run(mime::decode("base64"), in, chunk).size() <= in.size());
  check(run(mime::decode("quoted-printable"), in, chunk).size() <= in.size());

  const int length = 1 + data[0] % 80;
  const std::string lines = run(mime::wrap("text", length), in, chunk);
  check(run(mime::wrap("text", length), in) == lines);
  for (std::size_t start = 0, end; (end = lines.find("\r\n", start)) != std::string::npos;
       start = end + 2) {
    check(end - start <= static_cast<std::size_t>(length));
  }

  check(run(mime::normalize(), in, chunk) == run(mime::normalize(), in));
  check(run(mime::stuff(), in, chunk) == run(mime::stuff(), in));
  return 0;
}
