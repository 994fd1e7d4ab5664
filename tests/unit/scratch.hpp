// Unit-test helpers: bytes in a memfd, and a temporary directory.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <catch2/catch.hpp>

#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::test {

// An fd positioned at the start of `bytes`.
inline UniqueFd memfd(const std::string &bytes) {
  UniqueFd fd(::memfd_create("test", MFD_CLOEXEC));
  REQUIRE(fd);
  REQUIRE(::write(fd.get(), bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  ::lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

// The PID of a process that has exited and been reaped.
inline pid_t dead_pid() {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0)
    ::_exit(0);
  REQUIRE(::waitpid(pid, nullptr, 0) == pid);
  return pid;
}

// A fresh directory under /tmp, removed with everything in it.
struct TempDir {
  std::string path;
  UniqueFd fd;
  TempDir() {
    char tmpl[] = "/tmp/skiff-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    path = tmpl;
    fd.reset(::open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  ~TempDir() { (void)fs::remove_all(path); }
};

} // namespace skiff::test
