#include "skiff/sys/proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace skiff::sys {

uint64_t process_start_time(pid_t pid) {
  if (pid <= 0)
    return 0;
  char path[64];
  auto end = fmt::format_to_n(path, sizeof path - 1, "/proc/{}/stat", pid);
  *end.out = '\0';
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  char buf[1024];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  // The command name may hold spaces and parentheses: fields start after
  // the last ')'.
  char *p = std::strrchr(buf, ')');
  if (!p)
    return 0;
  // After ')' come fields 3.. ; start time is field 22.
  int field = 2;
  for (char *q = p + 1; *q; q++)
    if (*q == ' ' && ++field == 22)
      return std::strtoull(q + 1, nullptr, 10);
  return 0;
}

bool process_alive(pid_t pid, uint64_t start_time) {
  uint64_t now = process_start_time(pid);
  if (now == 0)
    return false;
  // Zombies still have a stat entry; state 'Z' counts as gone.
  char path[64];
  auto end = fmt::format_to_n(path, sizeof path - 1, "/proc/{}/stat", pid);
  *end.out = '\0';
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n > 0) {
      buf[n] = '\0';
      char *p = std::strrchr(buf, ')');
      if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
        return false;
    }
  }
  return start_time == 0 || now == start_time;
}

ProcessRef this_process() { return {::getpid(), process_start_time(::getpid())}; }

std::string format_process_ref(const ProcessRef &p) { return fmt::format("{} {}\n", p.pid, p.start); }

std::optional<ProcessRef> parse_process_ref(std::string_view text) {
  std::string s(text);
  char *end = nullptr;
  long long pid = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != ' ' || pid <= 0)
    return std::nullopt;
  const char *rest = end + 1;
  unsigned long long start = std::strtoull(rest, &end, 10);
  if (end == rest || start == 0 || (*end != '\0' && std::strcmp(end, "\n") != 0))
    return std::nullopt;
  return ProcessRef{static_cast<pid_t>(pid), static_cast<uint64_t>(start)};
}

std::vector<pid_t> child_processes(pid_t parent) {
  std::vector<pid_t> out;
  DIR *d = ::opendir("/proc");
  if (!d)
    return out;
  while (auto *e = ::readdir(d)) {
    char *end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0')
      continue;
    char path[64];
    auto pend = fmt::format_to_n(path, sizeof path - 1, "/proc/{}/stat", pid);
    *pend.out = '\0';
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      continue;
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0)
      continue;
    buf[n] = '\0';
    // After the name's last ')': " STATE PPID ...".
    char *p = std::strrchr(buf, ')');
    if (p && p[1] == ' ' && p[2] && p[3] == ' ' && std::strtol(p + 4, nullptr, 10) == parent)
      out.push_back(static_cast<pid_t>(pid));
  }
  ::closedir(d);
  return out;
}

} // namespace skiff::sys
