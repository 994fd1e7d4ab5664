// The one way skiff starts a child process that it does not simply run to
// completion (that is run_program): fork, or a clone into new namespaces,
// with a close-on-exec error pipe on which the child reports a failure as
// "<exit code> <message>" (an exec closes it: success), and optionally a
// unix socket for handing fds over.
#pragma once

#include <sys/types.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::sys {

// The child's ends, given to the body.
struct ChildChannel {
  int errors = -1;  // write end of the error pipe, close-on-exec
  int sock = -1;    // the child's end of the socket, or -1
};

struct SpawnOptions {
  // CLONE_NEW* flags: a fork-like clone into new namespaces. It runs no
  // atfork handlers, so a body that allocates needs a single-threaded
  // caller. 0: a plain fork.
  unsigned long namespaces = 0;
  bool socket = false;  // a socketpair for fd passing
  // What a failure to create the process says: "<what>: <strerror>".
  const char *what = "starting a process";
};

// The parent's side: the pid, the error pipe's read end and the socket.
// It does not wait for the child when destroyed (some outlive it).
class Child {
public:
  pid_t pid() const { return pid_; }
  int socket() const { return sock_.get(); }
  UniqueFd take_socket() { return std::move(sock_); }
  // Reads the error pipe to its end (the child exec'd, exited or wrote a
  // report): its failure, or nothing.
  std::optional<Error> read_error();
  // The same, keeping a success report (report_value): its value, or ""
  // when the child wrote nothing.
  Result<std::string> read_report();
  // The next fd the child sends on the socket.
  Result<UniqueFd> receive_fd();
  // Waits for the child (EINTR-safe): its exit code, 128 + the signal
  // that killed it, or -1 when there is no such child.
  int wait();

private:
  friend Result<Child> spawn(const SpawnOptions &, const std::function<void(const ChildChannel &)> &);
  pid_t pid_ = -1;
  UniqueFd errors_, sock_;
};

// Runs `body` in a new child, which exits 0 if the body returns. The body
// runs between fork and exec: it reports failure through child_fail.
Result<Child> spawn(const SpawnOptions &opts, const std::function<void(const ChildChannel &)> &body);

// Starts argv[0] (looked up in PATH as execvp does) with fds[i] as its fd
// i (-1: /dev/null), no other fd of ours, and every signal unblocked and
// at its default. Returns once the program runs; one that cannot be run
// is an error with Docker's exit code (Errc::not_found and 127 when it is
// not found, 126 otherwise).
Result<Child> spawn_program(const std::vector<std::string> &argv, std::vector<int> fds);

// Waits for `pid` (EINTR-safe), as Child::wait.
int wait_exit(pid_t pid);

// In the child: none of these allocates (but to describe a failed write).
// Writes "<code> <message parts...>" to the error pipe `fd`.
void write_report(int fd, int code, std::initializer_list<std::string_view> message);
// A success report with a value (code 0), for a child that reports before
// it goes on rather than exec.
inline void report_value(int fd, std::string_view value) { write_report(fd, 0, {value}); }
// Reports the failure and exits with its code.
[[noreturn]] void child_fail(const ChildChannel &ch, int code, std::string_view message);
[[noreturn]] void child_fail(const ChildChannel &ch, const Error &e);
// "<what>: <strerror(errno)>", exit code 125.
[[noreturn]] void child_fail_errno(const ChildChannel &ch, const char *what);
// Every signal unblocked and at its default: ignored signals would stay
// ignored across exec.
void reset_signals();
// Closes every fd from `lowest` up but those in `keep`.
void close_fds_except(int lowest, std::initializer_list<int> keep);

} // namespace skiff::sys
