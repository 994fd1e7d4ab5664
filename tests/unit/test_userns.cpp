#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "skiff/sys/run_program.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/fs.hpp"

using namespace skiff;

namespace {

ino_t ns_inode(const std::string &path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

} // namespace

TEST_CASE("userns: a held namespace is new, and its holder goes when dropped", "[userns]") {
  pid_t pid;
  {
    auto ns = sys::hold_new_user_namespace();
    REQUIRE(ns);
    pid = ns->pid();
    ino_t theirs = ns_inode(fmt::format("/proc/{}/ns/user", pid));
    CHECK(theirs != 0);
    CHECK(theirs != ns_inode("/proc/self/ns/user"));
  }
  // Reaped by the destructor: the pid is no child of ours any more.
  CHECK(::waitpid(pid, nullptr, WNOHANG) < 0);
  CHECK(errno == ECHILD);
}

TEST_CASE("userns: joining the held namespace once its maps are written", "[userns]") {
  if (::geteuid() != 0) {
    WARN("skipped: writing a map without newuidmap needs root");
    SUCCEED();
    return;
  }
  auto ns = sys::hold_new_user_namespace();
  REQUIRE(ns);
  for (const char *file : {"uid_map", "gid_map"})
    REQUIRE(fs::write_file(fmt::format("/proc/{}/{}", ns->pid(), file), "0 0 1\n"));
  ino_t theirs = ns_inode(fmt::format("/proc/{}/ns/user", ns->pid()));
  // Joining is for good: in a child, which reports what it sees.
  pid_t child = ::fork();
  if (child == 0) {
    bool ok = ns->join() && ns_inode("/proc/self/ns/user") == theirs && ::getuid() == 0 &&
              sys::in_user_namespace();
    ::_exit(ok ? 0 : 1);
  }
  int st = 0;
  REQUIRE(::waitpid(child, &st, 0) == child);
  CHECK(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 0);
}

TEST_CASE("run_program: programs started at once are waited for in any order", "[run_program]") {
  auto a = sys::start_program({"sh", "-c", "read x; echo \"a $x\"; exit 3"}, "in\n");
  auto b = sys::start_program({"sh", "-c", "echo b >&2"}, "");
  REQUIRE(a);
  REQUIRE(b);
  auto rb = b->wait();
  auto ra = a->wait();
  CHECK(rb.output == "b\n");
  CHECK(rb.status == 0);
  CHECK(ra.output == "a in\n");
  CHECK(ra.status == 3);
  CHECK(sys::start_program({"no-such-program-here"}, "").error().code == Errc::not_found);
}
