#pragma once
// --compressed: a body with Content-Encoding gzip or deflate, inflated with zlib on its way to
// the output (an ltn12 filter in front of the sink).

#include <copas/net/ltn12/sink.hpp>

#include <string_view>

namespace copas::fetch {

// `inner` fed with the decoded bytes of a body encoded as `encoding` ("gzip", "x-gzip",
// "deflate"); `inner` itself for any other. A corrupt body fails the sink with "bad content
// encoding" (curl's 61).
ltn12::sink inflating(std::string_view encoding, ltn12::sink inner);

}  // namespace copas::fetch
