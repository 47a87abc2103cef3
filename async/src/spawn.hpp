#pragma once
// Starting `/bin/sh -c command` for os_execute and io_popen, and reading its exit status.

#include <copas/async/execute.hpp>
#include <copas/core/error.hpp>

#include <sys/types.h>

#include <string_view>

namespace copas::async::detail {

// posix_spawn of /bin/sh -c command in a new process group (pgid == pid), with an empty signal
// mask and default dispositions, except SIGPIPE: ignored in the command (as in a Copas process),
// never changed in this one. `child_stdin` /
// `child_stdout` replace the child's fd 0 / 1 when >= 0. Every fd of ours is O_CLOEXEC, so the
// child inherits nothing else.
copas::result<pid_t> spawn_shell(std::string_view command, int child_stdin = -1,
                                 int child_stdout = -1);

// Lua 5.2+'s os.execute / pclose results for a waitpid status.
exit_status decode_status(int wait_status);

// Blocks until `pid` has exited, without reaping it (so its pid and group id stay reserved).
void wait_exited(pid_t pid);
// Reaps `pid` (blocking) and returns its status.
exit_status reap(pid_t pid);

}  // namespace copas::async::detail
