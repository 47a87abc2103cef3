#pragma once
// An ftp::errc error whose message names the culprit ("wrong scheme 'http'").

#include <copas/ftp/errors.hpp>

#include <string>

namespace copas::ftp::detail {

inline copas::error ftp_error(ftp::errc e, std::string text) {
  return {make_error_code(e), std::move(text)};
}

}  // namespace copas::ftp::detail
