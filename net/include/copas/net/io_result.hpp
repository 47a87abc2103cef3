#pragma once
// Results of receive and send: LuaSocket's `data` / `nil, err, partial` and
// `last_index` / `nil, err, last_index_sent`.
//
//   auto r = sock.receive(copas::line);
//   if (r) use(*r);
//   else if (r.error() == copas::errc::timeout) retry_with(r.partial());
//
// The partial data is never lost: pass it back as the prefix of the next receive.

#include <copas/core/error.hpp>

#include <cstddef>
#include <string>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

// The outcome of receive / receivepartial: the data, or an error with what was read so far
// (the prefix included).
class receive_result {
 public:
  receive_result(std::string data) : data_(std::move(data)), ok_(true) {}  // NOLINT(google-explicit-constructor): implicit, like result<T>
  receive_result(copas::error err, std::string partial)
      : data_(std::move(partial)), err_(std::move(err)) {}

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }

  // The data; throws copas::system_error if this is an error.
  const std::string& value() const& {
    if (!ok_) throw system_error(err_);
    return data_;
  }
  std::string&& value() && {
    if (!ok_) throw system_error(err_);
    return std::move(data_);
  }
  const std::string& operator*() const& { return value(); }
  const std::string* operator->() const { return &value(); }

  // The error ("timeout", "closed", ...); an empty error on success.
  const copas::error& error() const noexcept { return err_; }
  // What was read before the error (empty on success).
  const std::string& partial() const noexcept {
    static const std::string none;
    return ok_ ? none : data_;
  }
  // Lua's `data or partial`: whichever is there.
  const std::string& data_or_partial() const& noexcept { return data_; }
  std::string&& data_or_partial() && noexcept { return std::move(data_); }

 private:
  std::string data_;
  copas::error err_;
  bool ok_ = false;
};

// The outcome of send: the (1-based, absolute) index of the last byte sent, or an error with the
// index of the last byte that did go out (i - 1 if none). Resume with send(data, last_sent() + 1).
class send_result {
 public:
  static send_result success(std::size_t last) { return send_result(last, {}, true); }
  static send_result failure(copas::error err, std::size_t last_sent) {
    return send_result(last_sent, std::move(err), false);
  }

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  std::size_t value() const {
    if (!ok_) throw system_error(err_);
    return last_;
  }
  std::size_t operator*() const { return value(); }
  const copas::error& error() const noexcept { return err_; }
  std::size_t last_sent() const noexcept { return last_; }

 private:
  send_result(std::size_t last, copas::error err, bool ok) : last_(last), err_(std::move(err)), ok_(ok) {}
  std::size_t last_ = 0;
  copas::error err_;
  bool ok_ = false;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
