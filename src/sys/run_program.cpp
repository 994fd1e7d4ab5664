#include "skiff/sys/run_program.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "skiff/sys/pipe.hpp"
#include "skiff/util/fd.hpp"

extern char **environ;

namespace skiff::sys {

namespace {

// The program's path as Go's exec.LookPath finds it (the first executable
// regular file of that name in PATH): an unreadable PATH directory is
// skipped, not an error, as it is for execvp.
std::string find_in_path(const std::string &name) {
  if (name.find('/') != std::string::npos)
    return name;
  const char *path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string_view::npos)
      return {};
    rest.remove_prefix(colon + 1);
  }
}

} // namespace

Result<RunningProgram> start_program(const std::vector<std::string> &argv, std::string_view input) {
  // stdin is a socket so that writing to a program that exits without
  // reading fails with EPIPE (MSG_NOSIGNAL), not a SIGPIPE.
  int in[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
    return sys_error("starting {}", argv[0]);
  UniqueFd in_r(in[0]), in_w(in[1]);
  auto [out_r, out_w] = TRY(sys::make_pipe());

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_r.get(), 0);
  posix_spawn_file_actions_adddup2(&fa, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&fa, out_w.get(), 2);
  std::vector<char *> args;
  for (const auto &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  std::string program = find_in_path(argv[0]);
  if (program.empty()) {
    posix_spawn_file_actions_destroy(&fa);
    return make_error(Errc::not_found, "{} not found in PATH", argv[0]);
  }
  pid_t pid;
  int rc = ::posix_spawn(&pid, program.c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    errno = rc;
    return sys_error("starting {}", argv[0]);
  }
  RunningProgram running(pid, std::move(out_r));
  in_r.reset();
  out_w.reset();
  while (!input.empty()) {
    ssize_t n = ::send(in_w.get(), input.data(), input.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;  // it stopped reading; its status says why
    input.remove_prefix(static_cast<size_t>(n));
  }
  return running;
}

ProgramResult RunningProgram::wait() {
  ProgramResult r;
  char buf[4096];
  for (ssize_t n; (n = ::read(output_.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno != EINTR)
      break;
    if (n > 0)
      r.output.append(buf, static_cast<size_t>(n));
  }
  output_.reset();
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

// Never left a zombie, even on an early return.
RunningProgram::~RunningProgram() {
  if (pid_ > 0)
    (void)wait();
}

Result<ProgramResult> run_program(const std::vector<std::string> &argv, std::string_view input) {
  auto running = TRY(start_program(argv, input));
  return running.wait();
}

} // namespace skiff::sys
