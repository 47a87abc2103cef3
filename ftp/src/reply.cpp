// RFC 959 section 4.2 replies, read as LuaSocket's tp.lua get_reply does: the first line decides
// (three digits, and '-' for a multi-line reply), the reply ends at "<same code> ".
#include <copas/ftp/errors.hpp>
#include <copas/ftp/reply.hpp>

#include <algorithm>
#include <utility>

namespace copas::ftp {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool starts_with_code(std::string_view line) {
  return line.size() >= 3 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]);
}

int code_of(std::string_view line) {
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

// Lua's string.find(code, pattern) for the patterns tp:check is given: '.' is any character,
// everything else literal, unanchored.
bool lua_find(std::string_view code, std::string_view pattern) {
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

void reply_reader::append(std::string_view bytes) {
  // Drop what earlier replies consumed before growing, so a long session stays small.
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 4096 && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

// One LF-terminated line with every CR removed (LuaSocket's "*l"), or nullopt if incomplete.
std::optional<std::string_view> reply_reader::take_line() {
  std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
  auto lf = rest.find('\n');
  // max_line counts the text: one CR before the LF is allowed on top.
  if (lf == std::string_view::npos) {
    if (rest.size() > limits_.max_line + 1)
      failed_ = error(make_error_code(errc::reply_too_long), "server reply too long");
    return std::nullopt;
  }
  if (lf > limits_.max_line + 1) {
    failed_ = error(make_error_code(errc::reply_too_long), "server reply too long");
    return std::nullopt;
  }
  // CRs are removed in place: the buffer's bytes before pos_ are never looked at again.
  char* first = buf_.data() + pos_;
  char* end = std::remove(first, first + lf, '\r');
  pos_ += lf + 1;
  return std::string_view(first, static_cast<std::size_t>(end - first));
}

std::optional<result<reply>> reply_reader::next() {
  while (!failed_) {
    auto line = take_line();
    if (!line) break;
    if (code_ < 0) {
      if (!starts_with_code(*line)) {
        failed_ = error(make_error_code(errc::invalid_reply), "invalid server reply");
        break;
      }
      text_.assign(*line);
      lines_ = 1;
      if (line->size() < 4 || (*line)[3] != '-') return finish();
      code_ = code_of(*line);
      continue;
    }
    if (++lines_ > limits_.max_lines || text_.size() + line->size() + 1 > limits_.max_size) {
      failed_ = error(make_error_code(errc::reply_too_long), "server reply too long");
      break;
    }
    text_.push_back('\n');
    text_.append(*line);
    if (starts_with_code(*line) && code_of(*line) == code_ && line->size() >= 4 && (*line)[3] == ' ')
      return finish();
  }
  if (failed_) return result<reply>(*failed_);
  return std::nullopt;
}

result<reply> reply_reader::finish() {
  reply r{code_of(text_), std::move(text_)};
  text_.clear();
  code_ = -1;
  lines_ = 0;
  return r;
}

reply_check::reply_check(int code) {
  std::string digits = std::to_string(code);
  patterns_.push_back(std::move(digits));
}

reply_check::reply_check(std::string pattern) { patterns_.push_back(std::move(pattern)); }

reply_check::reply_check(std::initializer_list<reply_check> any_of) {
  for (const auto& c : any_of) {
    patterns_.insert(patterns_.end(), c.patterns_.begin(), c.patterns_.end());
    if (c.predicate_) {
      auto mine = std::move(predicate_);
      predicate_ = [mine, theirs = c.predicate_](int code, const std::string& text) {
        return (mine && mine(code, text)) || theirs(code, text);
      };
    }
  }
}

reply_check::reply_check(std::function<bool(int, const std::string&)> predicate)
    : predicate_(std::move(predicate)) {}

bool reply_check::matches(const reply& r) const {
  std::string_view code(r.text.data(), std::min<std::size_t>(3, r.text.size()));
  std::string digits;
  if (code.size() < 3) {
    digits = std::to_string(r.code);
    code = digits;
  }
  for (const auto& p : patterns_)
    if (lua_find(code, p)) return true;
  return predicate_ && predicate_(r.code, r.text);
}

std::optional<int> reply_code(const error& e) {
  const std::string text = e.message();
  if (e.code() != make_error_code(errc::rejected) || !starts_with_code(text)) return std::nullopt;
  return code_of(text);
}

}  // namespace copas::ftp
