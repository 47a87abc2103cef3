#pragma once
// Header blocks of mail messages: lookup by name in any case, the checks that keep a value from
// starting a new header, and the block written with LuaSocket's spelling (header_names.hpp).
#include <copas/core/error.hpp>
#include <copas/smtp/message.hpp>

#include <string>
#include <string_view>

namespace copas::smtp {

// The value of the first header called `name` (any case), or nullptr.
std::string* find_header(header_list& headers, std::string_view name);

// errc::invalid_argument naming the first bad header: a name that is empty or has bytes
// outside 33-126 or a colon, a value with CR or LF other than a folding CRLF + space/tab.
result<void> check_headers(const header_list& headers);

// "Name: value\r\n" per header (names as header_names::canonic spells them, non-ASCII values as
// RFC 2047 encoded-words: encoded_words.hpp), then "\r\n".
std::string header_block(const header_list& headers);

}  // namespace copas::smtp
