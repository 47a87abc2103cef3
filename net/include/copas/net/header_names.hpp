#pragma once
// copas::header_names: LuaSocket's socket.headers -- the canonical spelling of the header names
// it knows, shared by every protocol that writes RFC 822-style headers (http, smtp).
//
//   copas::header_names::canonic("content-md5");        // "Content-MD5"
//   copas::header_names::canonic("X-Custom");           // "X-Custom" (unknown: unchanged)
//   copas::header_names::same("Content-Type", "content-type");   // true

#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::header_names {

// The spelling LuaSocket's headers.lua gives a known name (matched in any case): Title-Case
// ("user-agent" -> "User-Agent") or one of its irregulars ("te" -> "TE", "etag" -> "ETag",
// "message-id" -> "Message-ID"). A name it does not know is returned unchanged.
std::string canonic(std::string_view name);

// True when `a` and `b` are the same header name in any (ASCII) case.
bool same(std::string_view a, std::string_view b) noexcept;

}  // namespace copas::header_names

#include <copas/core/api_suffix.hpp>
