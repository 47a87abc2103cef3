// The reply grammar of RFC 5321 §4.2 (and RFC 959's multi-line form), free of I/O.
#include <copas/smtp/tp.hpp>

namespace copas::tp {

namespace {

struct tp_category_impl : std::error_category {
  const char* name() const noexcept override { return "copas.tp"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_reply: return "invalid server reply";
      case errc::reply_too_long: return "server reply too long";
      case errc::unexpected_reply: return "unexpected server reply";
    }
    return "unknown tp error";
  }
};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The code of a line that starts with three digits, or -1.
int leading_code(std::string_view line) noexcept {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return -1;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

}  // namespace

const std::error_category& tp_category() noexcept {
  static const tp_category_impl category;
  return category;
}

std::optional<result<reply>> reply_reader::next() {
  for (;;) {
    auto nl = buffer_.find('\n', consumed_);
    if (nl == std::string::npos) {
      // +1: the CR of a line that has not got its LF yet.
      if (buffer_.size() - consumed_ > limits_.max_line + 1)
        return result<reply>(error(errc::reply_too_long));
      buffer_.erase(0, consumed_);
      consumed_ = 0;
      return std::nullopt;
    }
    std::string line = buffer_.substr(consumed_, nl - consumed_);
    consumed_ = nl + 1;
    std::erase(line, '\r');
    if (line.size() > limits_.max_line) return result<reply>(error(errc::reply_too_long));

    const int code = leading_code(line);
    const char sep = line.size() > 3 ? line[3] : '\0';
    if (lines_ == 0) {
      if (code < 0) return result<reply>(error(errc::invalid_reply));
      pending_ = reply{code, std::move(line)};
    } else {
      if (lines_ >= limits_.max_lines) return result<reply>(error(errc::reply_too_long));
      if (code >= 0 && code != pending_.code && (sep == '-' || sep == ' ' || sep == '\0'))
        return result<reply>(error(errc::invalid_reply));
      pending_.text += '\n';
      pending_.text += line;
    }
    ++lines_;
    const bool last = lines_ == 1 ? sep != '-' : code == pending_.code && (sep == ' ' || sep == '\0');
    if (last) {
      lines_ = 0;
      return result<reply>(std::move(pending_));
    }
  }
}

std::string reply_reader::take_rest() {
  std::string rest = buffer_.substr(consumed_);
  buffer_.clear();
  consumed_ = 0;
  return rest;
}

bool matches(std::string_view pattern, int code) noexcept {
  if (pattern.size() != 3 || code < 0 || code > 999) return false;
  const char digits[3] = {char('0' + code / 100), char('0' + code / 10 % 10), char('0' + code % 10)};
  for (int i = 0; i < 3; ++i)
    if (pattern[i] != '.' && pattern[i] != digits[i]) return false;
  return true;
}

}  // namespace copas::tp
