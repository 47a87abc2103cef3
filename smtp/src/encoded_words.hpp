#pragma once
// Non-ASCII text in mail headers as RFC 2047 encoded-words ("=?UTF-8?B?...?="), which every
// mail reader decodes and an ESMTP relay without SMTPUTF8 carries unchanged.
#include <string>
#include <string_view>

namespace copas::smtp {

// `value` of header `name` as it goes on the wire. ASCII values are returned unchanged. Otherwise
// (the text taken as UTF-8):
// - address headers (From, To, Cc, Bcc, Reply-To, Sender and their Resent- forms): the display
//   name of each mailbox is encoded ("Jörg <j@example.org>" -> "=?UTF-8?B?SsO2cmc=?= <j@...>");
//   a non-ASCII address itself stays as is (it needs SMTPUTF8, which smtp::send then asks for);
// - headers with a structure of their own (Content-*, Message-ID, References, In-Reply-To,
//   Date, MIME-Version, Received, Return-Path): unchanged;
// - any other header is unstructured text: the words from the first to the last non-ASCII one
//   are encoded, the ASCII words around them kept.
// Encoded-words are at most 75 characters, cut at character boundaries, folded one per line.
std::string encoded_header_value(std::string_view name, std::string_view value);

// `text` as one or more encoded-words joined by "\r\n " (RFC 2047 §2, §5).
std::string encoded_words(std::string_view text);

// RFC 2231's extended parameter value for a non-ASCII file name: "UTF-8''" and the
// percent-encoded bytes (attr-char kept).
std::string extended_parameter(std::string_view text);

bool is_ascii(std::string_view s) noexcept;

}  // namespace copas::smtp
