#include <copas/async/addthread.hpp>
#include <copas/async/execute.hpp>
#include <copas/async/this_task.hpp>

#include "current_job.hpp"
#include "spawn.hpp"

#include <signal.h>

#include <functional>
#include <optional>
#include <stop_token>

namespace copas::async {

namespace this_task {

exit_status execute(std::string_view command) {
  auto started = detail::spawn_shell(command);
  if (!started) throw copas::system_error(started.error());
  const pid_t pid = *started;
  detail::job* j = detail::current_job;

  // Whatever happens from here (including the unwinding of a forced stop in waitid), the child
  // is reaped by this thread; it is unregistered first so that nobody signals a reused pid.
  struct child_guard {
    pid_t pid;
    detail::job* j;
    bool reaped = false;
    ~child_guard() {
      if (reaped) return;
      if (j) j->clear_child();
      ::kill(-pid, SIGKILL);
      detail::reap(pid);
    }
  } guard{pid, j};

  if (j) j->set_child(pid);
  {
    std::optional<std::stop_callback<std::function<void()>>> on_stop;
    if (j) on_stop.emplace(j->stop_token(), [j] { j->signal_child(SIGTERM); });
    detail::wait_exited(pid);
    if (j) j->clear_child();
  }
  guard.reaped = true;
  return detail::reap(pid);
}

}  // namespace this_task

copas::result<exit_status> os_execute(std::string command) {
  auto r = run([command = std::move(command)] { return this_task::execute(command); });
  if (!r) return r.error();
  return std::get<0>(*r);
}

}  // namespace copas::async
