#include "skiff/sys/userns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace skiff::sys {

// Not cached: a process may enter a user namespace after asking.
bool in_user_namespace() {
  FILE *f = std::fopen("/proc/self/uid_map", "re");
  unsigned long inside = 0, outside = 0, count = 0;
  bool identity = f && std::fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3 &&
                  inside == 0 && outside == 0 && count == 4294967295UL;
  if (f)
    std::fclose(f);
  return !identity;
}

namespace {

constexpr size_t kStackSize = 64 * 1024;

struct HolderFds {
  int wait_on, write_end;
};

// Shares our memory (CLONE_VM), so it touches nothing but its own stack
// and makes only syscalls: it waits for end of file on the pipe.
int hold(void *arg) {
  auto *fds = static_cast<HolderFds *>(arg);
  int fd = fds->wait_on;
  ::close(fds->write_end);
  char c;
  while (::read(fd, &c, 1) < 0 && errno == EINTR) {
  }
  return 0;
}

} // namespace

Result<UserNamespaceHolder> hold_new_user_namespace() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0)
    return sys_error("creating a pipe");
  UniqueFd rd(p[0]), wr(p[1]);
  void *stack = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                       -1, 0);
  if (stack == MAP_FAILED)
    return sys_error("allocating a stack");
  // Read by the child before clone returns here: CLONE_VFORK is not used,
  // so it lives in the mapping, not on this frame.
  auto *fds = new (stack) HolderFds{rd.get(), wr.get()};
  // No copy of this process's page tables: cheaper than a fork.
  pid_t pid = ::clone(hold, static_cast<char *>(stack) + kStackSize, CLONE_NEWUSER | CLONE_VM | SIGCHLD, fds);
  if (pid < 0) {
    int e = errno;
    ::munmap(stack, kStackSize);
    errno = e;
    return sys_error("creating a user namespace (are unprivileged user namespaces enabled?)");
  }
  return UserNamespaceHolder(pid, std::move(wr), stack);
}

Status UserNamespaceHolder::join() {
  UniqueFd ns(::open(fmt::format("/proc/{}/ns/user", pid_).c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns || ::setns(ns.get(), CLONE_NEWUSER) < 0)
    return sys_error("joining the new user namespace");
  return {};
}

UserNamespaceHolder::~UserNamespaceHolder() {
  if (pid_ <= 0)
    return;
  release_.reset();
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  ::munmap(stack_, kStackSize);
}

} // namespace skiff::sys
