#pragma once
// copas::partial_result<T, Partial>: a value, or an error together with what was done before it
// -- Copas's `nil, err, partial` as one type for every call that has such a partial:
//
//   receive_result = partial_result<std::string>       data, or err + the bytes read so far
//   send_result    = partial_result<std::size_t>       last index, or err + the last index sent
//   http::request_result = partial_result<response>    response, or err + the response so far
//
//   auto r = sock.receive(copas::line);
//   if (r) use(*r);
//   else if (r.error() == copas::errc::timeout) retry_with(r.partial());
//
// It reads like copas::result<T> (has_value, value() throwing copas::system_error, *, ->,
// error()), plus partial(). When T and Partial are one type, value_or_partial() is Lua's
// `data or partial`: whichever is there.

#include <copas/core/error.hpp>

#include <type_traits>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

namespace detail {
struct no_partial {};  // the storage of Partial when it shares T's
}  // namespace detail

template <class T, class Partial = T>
class partial_result {
  // One member holds both the value and the partial when they are the same type: the hot receive
  // path moves one string, not two.
  static constexpr bool shared = std::is_same_v<T, Partial>;

 public:
  using value_type = T;
  using partial_type = Partial;

  // Implicit, like result<T>: a function returns a value, an error, or an error and a partial.
  // NOLINTNEXTLINE(google-explicit-constructor)
  partial_result(T value) : value_(std::move(value)), ok_(true) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  partial_result(copas::error err, Partial partial = Partial{}) : err_(std::move(err)) {
    if constexpr (shared)
      value_ = std::move(partial);
    else
      partial_ = std::move(partial);
  }
  template <error_code_enum E>
  // NOLINTNEXTLINE(google-explicit-constructor)
  partial_result(E e) : err_(e) {}

  static partial_result success(T value) { return partial_result(std::move(value)); }
  static partial_result failure(copas::error err, Partial partial) {
    return partial_result(std::move(err), std::move(partial));
  }

  bool has_value() const noexcept { return ok_; }
  bool has_error() const noexcept { return !ok_; }
  explicit operator bool() const noexcept { return ok_; }

  // The value; throws copas::system_error with the error's message if this is an error.
  const T& value() const& {
    if (!ok_) throw system_error(err_);
    return value_;
  }
  T& value() & {
    if (!ok_) throw system_error(err_);
    return value_;
  }
  T&& value() && {
    if (!ok_) throw system_error(err_);
    return std::move(value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The error; an empty error on success.
  const copas::error& error() const noexcept { return err_; }

  // What was done before the error; empty (Partial{}) on success.
  const Partial& partial() const noexcept {
    if constexpr (shared) {
      static const Partial none{};
      return ok_ ? none : value_;
    } else {
      return partial_;
    }
  }

  // Lua's `data or partial`: whichever is there (the index of the last byte sent, either way).
  const T& value_or_partial() const& noexcept requires shared { return value_; }
  T&& value_or_partial() && noexcept requires shared { return std::move(value_); }

 private:
  T value_{};
  [[no_unique_address]] std::conditional_t<shared, detail::no_partial, Partial> partial_{};
  copas::error err_;
  bool ok_ = false;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
