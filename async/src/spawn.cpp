#include "spawn.hpp"

#include <copas/async/errors.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <string>

extern char** environ;

namespace copas::async::detail {

copas::result<pid_t> spawn_shell(std::string_view command, int child_stdin, int child_stdout) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  if (child_stdin >= 0) posix_spawn_file_actions_adddup2(&actions, child_stdin, 0);
  if (child_stdout >= 0) posix_spawn_file_actions_adddup2(&actions, child_stdout, 1);

  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  // SIGPIPE: the shell itself sets it to ignored (below); the default here until then.
  for (int keep : {SIGKILL, SIGSTOP}) sigdelset(&defaults, keep);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  // The command runs as under Copas, whose process ignores SIGPIPE (LuaSocket sets that when it
  // loads): a command writing into a pipe its reader has closed gets EPIPE and goes on (Copas's
  // io_popen: close() early "waits until the command has finished; 'broken pipe' messages may
  // appear", spec AS15). The shell ignores it for itself and what it runs, so this process's own
  // disposition is never touched. On the command's line, so its error messages keep "line 1".
  std::string cmd = "trap '' PIPE; ";
  cmd += command;
  char arg0[] = "sh";
  char arg1[] = "-c";
  char* argv[] = {arg0, arg1, cmd.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return copas::error(make_error_code(errc::spawn_failed),
                        std::string("spawn failed: ") + std::strerror(rc));
  return pid;
}

exit_status decode_status(int st) {
  if (WIFSIGNALED(st)) return {false, "signal", WTERMSIG(st)};
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return {code == 0, "exit", code};
}

void wait_exited(pid_t pid) {
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
}

exit_status reap(pid_t pid) {
  int st = 0;
  pid_t r;
  while ((r = ::waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
  }
  if (r < 0) return {false, "exit", -1};
  return decode_status(st);
}

}  // namespace copas::async::detail
