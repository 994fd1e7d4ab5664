#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "skiff/runtime/userns_holder.hpp"
#include "skiff/sys/proc.hpp"
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

TEST_CASE("userns: joining the namespace of a process that is gone", "[userns]") {
  pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  uint64_t start = sys::process_start_time(child);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  auto joined = sys::join_user_namespace(child, start);
  REQUIRE(!joined);
  CHECK(joined.error().code == Errc::not_found);
  // A live process under another start time is a reused number.
  CHECK(sys::join_user_namespace(::getpid(), 1).error().code == Errc::not_found);
}

TEST_CASE("userns: joining a process's namespace, and seeing it shared", "[userns]") {
  if (::geteuid() != 0) {
    WARN("skipped: writing a map without newuidmap needs root");
    SUCCEED();
    return;
  }
  int ready[2], done[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(done) == 0);
  pid_t holder = ::fork();
  if (holder == 0) {
    ::close(ready[0]);
    ::close(done[1]);
    bool ok = ::unshare(CLONE_NEWUSER) == 0;
    (void)!::write(ready[1], ok ? "y" : "n", 1);
    char c;
    (void)!::read(done[0], &c, 1);
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(done[0]);
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  REQUIRE(c == 'y');
  for (const char *file : {"uid_map", "gid_map"})
    REQUIRE(fs::write_file(fmt::format("/proc/{}/{}", holder, file), "0 0 1\n"));
  ino_t theirs = ns_inode(fmt::format("/proc/{}/ns/user", holder));
  CHECK(theirs != ns_inode("/proc/self/ns/user"));
  // Joining is for good: in a child, which reports what it sees.
  pid_t child = ::fork();
  if (child == 0) {
    bool ok = sys::join_user_namespace(holder, sys::process_start_time(holder)) &&
              ns_inode("/proc/self/ns/user") == theirs && sys::in_user_namespace() &&
              sys::user_namespace_shared();
    ::_exit(ok ? 0 : 1);
  }
  int st = 0;
  REQUIRE(::waitpid(child, &st, 0) == child);
  ::close(done[1]);
  ::waitpid(holder, nullptr, 0);
  CHECK(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 0);
  CHECK_FALSE(sys::in_user_namespace());
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

TEST_CASE("userns holder: stays while its namespace is shared, then removes its record and exits",
          "[userns]") {
  if (::geteuid() != 0) {
    WARN("skipped: needs root to make and join a user namespace without newuidmap");
    SUCCEED();
    return;
  }
  char dir[] = "/tmp/skiff-holder-test.XXXXXX";
  REQUIRE(::mkdtemp(dir));
  runtime::detail::Holder h{std::string(dir) + "/userns.pid", std::string(dir) + "/userns.lock"};
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t holder = ::fork();
  if (holder == 0) {
    ::close(ready[0]);
    if (::unshare(CLONE_NEWUSER) < 0)
      ::_exit(2);
    (void)!::write(ready[1], "y", 1);
    ::close(ready[1]);
    runtime::detail::hold(h, 1);
  }
  ::close(ready[1]);
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  ::close(ready[0]);
  REQUIRE(fs::write_file(h.record, fmt::format("{} {}\n", holder, sys::process_start_time(holder))));
  // A second process in the namespace keeps it held.
  pid_t guest = ::fork();
  if (guest == 0) {
    if (!sys::join_user_namespace(holder, sys::process_start_time(holder)))
      ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  ::usleep(3'500'000);
  CHECK(::waitpid(holder, nullptr, WNOHANG) == 0);
  ::kill(guest, SIGKILL);
  ::waitpid(guest, nullptr, 0);
  int st = -1;
  for (int i = 0; i < 60 && ::waitpid(holder, &st, WNOHANG) == 0; ++i)
    ::usleep(100'000);
  CHECK(WIFEXITED(st));
  CHECK(::access(h.record.c_str(), F_OK) < 0);
  CHECK(fs::remove_all(dir));
}

TEST_CASE("child_processes: the children of a process, and none of a process without", "[proc]") {
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  auto mine = skiff::sys::child_processes(::getpid());
  CHECK(std::find(mine.begin(), mine.end(), child) != mine.end());
  CHECK(skiff::sys::child_processes(child).empty());
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  mine = skiff::sys::child_processes(::getpid());
  CHECK(std::find(mine.begin(), mine.end(), child) == mine.end());
}

TEST_CASE("process refs: \"<pid> <start>\" written and read back, anything else refused", "[proc]") {
  using skiff::sys::parse_process_ref;
  auto me = skiff::sys::this_process();
  CHECK(me.pid == ::getpid());
  CHECK(me.start == skiff::sys::process_start_time(::getpid()));
  auto back = parse_process_ref(skiff::sys::format_process_ref(me));
  REQUIRE(back);
  CHECK(back->pid == me.pid);
  CHECK(back->start == me.start);
  CHECK(parse_process_ref("12 34"));
  for (const char *bad : {"", "12", "12 ", "0 34", "-1 34", "12 0", "12 34 56", "x 34", "12 34x"})
    CHECK_FALSE(parse_process_ref(bad));
}
