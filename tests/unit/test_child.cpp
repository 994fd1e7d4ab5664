#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "skiff/sys/child.hpp"
#include "skiff/sys/fd_passing.hpp"
#include "skiff/sys/pipe.hpp"

using namespace skiff;

TEST_CASE("child: a failure reported by the child comes back with its code and message", "[child]") {
  auto c = sys::spawn({}, [](const sys::ChildChannel &ch) {
    sys::child_fail(ch, Error{Errc::failed, "exec: \"nope\": permission denied", 126});
  });
  REQUIRE(c);
  auto e = c->read_error();
  REQUIRE(e);
  CHECK(e->exit_code == 126);
  CHECK(e->message == "exec: \"nope\": permission denied");
  CHECK(c->wait() == 126);
}

TEST_CASE("child: a failed syscall is reported with its errno's words", "[child]") {
  auto c = sys::spawn({}, [](const sys::ChildChannel &ch) {
    errno = ENOENT;
    sys::child_fail_errno(ch, "opening the thing");
  });
  REQUIRE(c);
  auto e = c->read_error();
  REQUIRE(e);
  CHECK(e->exit_code == kExitRuntime);
  CHECK(e->message == "opening the thing: No such file or directory");
  CHECK(c->wait() == kExitRuntime);
}

TEST_CASE("child: a body that returns is a success with exit code 0", "[child]") {
  auto c = sys::spawn({}, [](const sys::ChildChannel &) {});
  REQUIRE(c);
  CHECK_FALSE(c->read_error());
  CHECK(c->wait() == 0);
}

TEST_CASE("child: a success report carries its value", "[child]") {
  auto c = sys::spawn({}, [](const sys::ChildChannel &ch) { sys::report_value(ch.errors, "4242"); });
  REQUIRE(c);
  auto r = c->read_report();
  REQUIRE(r);
  CHECK(*r == "4242");
  CHECK(c->wait() == 0);
}

TEST_CASE("child: an exec that succeeds closes the error pipe without a word", "[child]") {
  auto out = sys::make_pipe();
  REQUIRE(out);
  auto c = sys::spawn_program({"sh", "-c", "echo ran; exit 3"}, {-1, out->write.get(), -1});
  REQUIRE(c);
  out->write.reset();
  char buf[16] = {};
  CHECK(::read(out->read.get(), buf, sizeof buf - 1) == 4);
  CHECK(std::string(buf) == "ran\n");
  CHECK(c->wait() == 3);
}

TEST_CASE("child: a program gets only the fds placed for it", "[child]") {
  auto out = sys::make_pipe();
  REQUIRE(out);
  UniqueFd stray(::open("/dev/null", O_RDONLY));  // not close-on-exec
  REQUIRE(stray);
  auto c = sys::spawn_program({"sh", "-c", "ls /proc/self/fd | sort -n | tr '\\n' ' '"},
                              {-1, out->write.get(), -1});
  REQUIRE(c);
  out->write.reset();
  std::string got;
  char buf[256];
  for (ssize_t n; (n = ::read(out->read.get(), buf, sizeof buf)) > 0;)
    got.append(buf, static_cast<size_t>(n));
  // ls's own directory fd is the 3.
  CHECK(got == "0 1 2 3 ");
  CHECK(c->wait() == 0);
}

TEST_CASE("child: a missing program is a not-found error with exit code 127", "[child]") {
  auto c = sys::spawn_program({"skiff-no-such-program"}, {-1, -1, -1});
  REQUIRE_FALSE(c);
  CHECK(c.error().code == Errc::not_found);
  CHECK(c.error().exit_code == 127);
  CHECK(c.error().message == "exec: \"skiff-no-such-program\": No such file or directory");
}

TEST_CASE("child: fds are passed from the child over the socket", "[child]") {
  auto c = sys::spawn({.socket = true}, [](const sys::ChildChannel &ch) {
    auto p = sys::make_pipe();
    if (!p || ::write(p->write.get(), "hi", 2) != 2 || sys::send_fd(ch.sock, p->read.get()) != 0)
      sys::child_fail_errno(ch, "sending");
  });
  REQUIRE(c);
  auto fd = c->receive_fd();
  REQUIRE(fd);
  char buf[3] = {};
  CHECK(::read(fd->get(), buf, 2) == 2);
  CHECK(std::string(buf) == "hi");
  CHECK_FALSE(c->read_error());
  CHECK(c->wait() == 0);
}

TEST_CASE("child: a child killed by a signal gives 128 + the signal", "[child]") {
  auto c = sys::spawn({}, [](const sys::ChildChannel &) { ::raise(SIGKILL); });
  REQUIRE(c);
  CHECK_FALSE(c->read_error());
  CHECK(c->wait() == 128 + SIGKILL);
}
