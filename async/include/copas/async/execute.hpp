#pragma once
// copas::async::os_execute: Lua's os.execute on a worker, without blocking other fibers.
//
//   auto r = copas::async::os_execute("sleep 1; exit 123");   // parks this fiber only
//   // r->ok == false, r->kind == "exit", r->code == 123       (Lua 5.2+: nil, "exit", 123)
//
// The command runs as `/bin/sh -c command` in a process group of its own, with this process's
// standard input, output and error, and an empty signal mask. Its group is what cancellation
// signals: SIGTERM when the task is cancelled, SIGKILL if it still runs cancel_timeout later.

#include <copas/core/error.hpp>

#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::async {

// The results of os.execute (and of closing an io_popen descriptor) as Lua 5.2+ returns them.
struct exit_status {
  bool ok = false;   // Lua's true (exited with status 0) or nil
  std::string kind;  // "exit" (code = exit status) or "signal" (code = signal number)
  int code = 0;

  friend bool operator==(const exit_status&, const exit_status&) = default;
};

// Runs `command` on a worker and parks the calling fiber until it ends. The error side is only
// for failures to run it at all ("spawn failed: <reason>", or "cancelled" when the waiting fiber
// is removed: the command's process group is then signalled as for cancel()). A command that
// cannot be found is not an error: the shell exits with 127.
copas::result<exit_status> os_execute(std::string command);

namespace this_task {

// The blocking form, for code already running inside a task (addthread): starts the command and
// waits for it on this worker. When the task is cancelled its process group gets SIGTERM; when it
// is forced, SIGKILL; either way the child is reaped here. Throws copas::system_error when the
// shell cannot be started.
exit_status execute(std::string_view command);

}  // namespace this_task

}  // namespace copas::async

#include <copas/core/api_suffix.hpp>
