#include "skiff/sys/userns.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "skiff/sys/proc.hpp"
#include "skiff/util/fd.hpp"

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

Status join_user_namespace(pid_t pid, uint64_t start_time) {
  UniqueFd ns(::open(fmt::format("/proc/{}/ns/user", pid).c_str(), O_RDONLY | O_CLOEXEC));
  // Checked once the namespace is held: a process that exits after this
  // check leaves the fd still naming its namespace.
  if (!ns || !process_alive(pid, start_time))
    return make_error(Errc::not_found, "no process {} holds the user namespace", pid);
  if (::setns(ns.get(), CLONE_NEWUSER) < 0)
    return sys_error("joining the user namespace of process {}", pid);
  return {};
}

bool user_namespace_shared() {
  struct stat mine {};
  if (::stat("/proc/self/ns/user", &mine) < 0)
    return true;  // cannot tell: assume it is in use
  pid_t self = ::getpid();
  DIR *d = ::opendir("/proc");
  if (!d)
    return true;
  bool shared = false;
  while (dirent *e = ::readdir(d)) {
    char *end;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == self)
      continue;
    struct stat theirs {};
    // Processes of other users (a container's, under subordinate IDs)
    // are not readable; their supervisors, in the same namespace, are.
    if (::stat(fmt::format("/proc/{}/ns/user", pid).c_str(), &theirs) == 0 &&
        theirs.st_ino == mine.st_ino && theirs.st_dev == mine.st_dev) {
      shared = true;
      break;
    }
  }
  ::closedir(d);
  return shared;
}

} // namespace skiff::sys
