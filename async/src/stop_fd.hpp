#pragma once
// An eventfd that becomes readable when a stop token is stopped, so that a worker blocked in
// poll() can also wait for cancel(). Created only for tokens that can stop at all.

#include <sys/eventfd.h>
#include <unistd.h>

#include <optional>
#include <stop_token>

namespace copas::async::detail {

class stop_fd {
 public:
  explicit stop_fd(std::stop_token token) : token_(std::move(token)) {
    if (!token_.stop_possible()) return;
    fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd_ >= 0) on_stop_.emplace(token_, signal{fd_});
  }
  ~stop_fd() {
    on_stop_.reset();  // waits for a running callback, so the fd is not written after close
    if (fd_ >= 0) ::close(fd_);
  }
  stop_fd(const stop_fd&) = delete;
  stop_fd& operator=(const stop_fd&) = delete;

  int fd() const noexcept { return fd_; }
  bool stopped() const noexcept { return token_.stop_requested(); }

 private:
  struct signal {
    int fd;
    void operator()() const noexcept {
      std::uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(fd, &one, sizeof one);
    }
  };
  std::stop_token token_;
  int fd_ = -1;
  std::optional<std::stop_callback<signal>> on_stop_;
};

}  // namespace copas::async::detail
