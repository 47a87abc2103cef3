// The reply grammar of RFC 959 §4.2 and RFC 5321 §4.2 as tp.lua's get_reply reads it, free of
// I/O, and tp:check's matching.
#include <copas/net/tp.hpp>

#include <algorithm>
#include <utility>

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

// Lua's string.find(code, pattern) for the patterns tp:check is given: '.' is any character,
// everything else literal, unanchored.
bool lua_find(std::string_view code, std::string_view pattern) noexcept {
  if (pattern.size() > code.size()) return false;
  for (std::size_t at = 0; at + pattern.size() <= code.size(); ++at) {
    bool all = true;
    for (std::size_t i = 0; i < pattern.size() && all; ++i)
      all = pattern[i] == '.' || pattern[i] == code[at + i];
    if (all) return true;
  }
  return false;
}

}  // namespace

const std::error_category& tp_category() noexcept {
  static const tp_category_impl category;
  return category;
}

void reply_reader::append(std::string_view bytes) {
  // Drop what earlier replies consumed before growing, so a long session stays small.
  if (consumed_ > 0 && (consumed_ == buffer_.size() || consumed_ * 2 > buffer_.size())) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

// One LF-terminated line with every CR removed (LuaSocket's "*l"), or nullopt: incomplete, or
// too long (failed_ set).
std::optional<std::string_view> reply_reader::take_line() {
  std::string_view rest(buffer_.data() + consumed_, buffer_.size() - consumed_);
  const auto lf = rest.find('\n');
  // max_line counts the text: the CR of a CRLF comes on top.
  if ((lf == std::string_view::npos ? rest.size() : lf) > limits_.max_line + 1) {
    failed_ = error(errc::reply_too_long);
    return std::nullopt;
  }
  if (lf == std::string_view::npos) return std::nullopt;
  // CRs are removed in place: the bytes before consumed_ are never looked at again.
  char* first = buffer_.data() + consumed_;
  char* end = std::remove(first, first + lf, '\r');
  consumed_ += lf + 1;
  std::string_view line(first, static_cast<std::size_t>(end - first));
  if (line.size() > limits_.max_line) {
    failed_ = error(errc::reply_too_long);
    return std::nullopt;
  }
  return line;
}

std::optional<result<reply>> reply_reader::next() {
  while (!failed_) {
    auto line = take_line();
    if (!line) break;
    const int code = leading_code(*line);
    const char sep = line->size() > 3 ? (*line)[3] : '\0';
    if (lines_ == 0) {
      if (code < 0) {
        failed_ = error(errc::invalid_reply);
        break;
      }
      pending_ = reply{code, std::string(*line)};
      lines_ = 1;
      // Only '-' opens a multi-line reply (tp.lua: "^(%d%d%d)(.?)").
      if (sep != '-') return finish();
      continue;
    }
    if (++lines_ > limits_.max_lines ||
        pending_.text.size() + 1 + line->size() > limits_.max_size) {
      failed_ = error(errc::reply_too_long);
      break;
    }
    pending_.text += '\n';
    pending_.text += *line;
    // Lines with another code are text (RFC 959 lets them through; tp.lua reads on).
    if (code == pending_.code && (sep == ' ' || line->size() == 3)) return finish();
  }
  if (failed_) return result<reply>(*failed_);
  return std::nullopt;
}

result<reply> reply_reader::finish() {
  lines_ = 0;
  return std::exchange(pending_, reply{});
}

std::string reply_reader::take_rest() {
  std::string rest = buffer_.substr(consumed_);
  buffer_.clear();
  consumed_ = 0;
  return rest;
}

reply_check::reply_check(int code) : patterns_{std::to_string(code)} {}

reply_check::reply_check(std::string pattern) : patterns_{std::move(pattern)} {}

reply_check::reply_check(std::initializer_list<reply_check> any_of) {
  for (const auto& c : any_of) {
    patterns_.insert(patterns_.end(), c.patterns_.begin(), c.patterns_.end());
    if (c.predicate_) {
      predicate_ = [mine = std::move(predicate_), theirs = c.predicate_](int code,
                                                                         const std::string& text) {
        return (mine && mine(code, text)) || theirs(code, text);
      };
    }
  }
}

reply_check::reply_check(std::function<bool(int, const std::string&)> predicate)
    : predicate_(std::move(predicate)) {}

bool reply_check::matches(const reply& r) const {
  if (r.code >= 0 && r.code <= 999) {
    const char digits[3] = {char('0' + r.code / 100), char('0' + r.code / 10 % 10),
                            char('0' + r.code % 10)};
    for (const auto& p : patterns_)
      if (lua_find(std::string_view(digits, 3), p)) return true;
  }
  return predicate_ && predicate_(r.code, r.text);
}

std::optional<int> reply_code(const error& e) {
  if (e.code() != make_error_code(errc::unexpected_reply)) return std::nullopt;
  const std::string text = e.message();
  const int code = leading_code(text);
  if (code < 0) return std::nullopt;
  return code;
}

error unexpected(std::string text) {
  return error(make_error_code(errc::unexpected_reply), std::move(text));
}

}  // namespace copas::tp
