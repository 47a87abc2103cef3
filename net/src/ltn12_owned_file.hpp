#pragma once
// A FILE* owned by a file source or sink: closed once, by whoever ends the stream first or by
// the last copy of the std::function holding it (std::function targets must be copyable).
#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

namespace copas::ltn12::detail {

class owned_file {
 public:
  explicit owned_file(std::FILE* f) : f_(f) {}
  owned_file(const owned_file&) = delete;
  owned_file& operator=(const owned_file&) = delete;
  ~owned_file() { close(); }

  std::FILE* get() const noexcept { return f_; }
  // fclose's errno as an error_code, or an empty one.
  std::error_code close() noexcept {
    if (!f_) return {};
    const int rc = std::fclose(f_);
    f_ = nullptr;
    return rc == 0 ? std::error_code() : last_error();
  }
  static std::error_code last_error() noexcept {
    return {errno ? errno : EIO, std::generic_category()};
  }

 private:
  std::FILE* f_;
};

inline std::shared_ptr<owned_file> own(std::FILE* f) { return std::make_shared<owned_file>(f); }

}  // namespace copas::ltn12::detail
