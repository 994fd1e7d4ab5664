// User namespaces: facts about ours, and a new one to move into.
#pragma once

#include <sys/types.h>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::sys {

// True when this process is inside a user namespace other than the initial
// one (/proc/self/uid_map is not the identity map of all IDs).
bool in_user_namespace();

// A new user namespace, held by a small child process that does nothing
// else, so that its maps can be written by programs outside it before this
// process joins it. The child exits when the holder is dropped (or this
// process dies).
class UserNamespaceHolder {
 public:
  UserNamespaceHolder(pid_t pid, UniqueFd release, void *stack)
      : pid_(pid), release_(std::move(release)), stack_(stack) {}
  UserNamespaceHolder(UserNamespaceHolder &&o) noexcept
      : pid_(std::exchange(o.pid_, -1)), release_(std::move(o.release_)),
        stack_(std::exchange(o.stack_, nullptr)) {}
  UserNamespaceHolder &operator=(UserNamespaceHolder &&) = delete;
  ~UserNamespaceHolder();

  pid_t pid() const { return pid_; }
  // Moves this (single-threaded) process into the namespace.
  Status join();

 private:
  pid_t pid_;
  UniqueFd release_;
  void *stack_;
};

Result<UserNamespaceHolder> hold_new_user_namespace();

} // namespace skiff::sys
