#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "skiff/runtime/seccomp.hpp"

using namespace skiff::runtime;

namespace {

// Docker's default capability set.
const std::vector<std::string> kDockerCaps = {
    "CAP_CHOWN",      "CAP_DAC_OVERRIDE", "CAP_FSETID",
    "CAP_FOWNER",     "CAP_MKNOD",        "CAP_NET_RAW",
    "CAP_SETGID",     "CAP_SETUID",       "CAP_SETFCAP",
    "CAP_SETPCAP",    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",       "CAP_AUDIT_WRITE"};

std::vector<std::string> with(std::vector<std::string> caps, std::string cap) {
  caps.push_back(std::move(cap));
  return caps;
}

std::string parse_error(std::string_view json) {
  auto r = parse_seccomp_profile(json);
  REQUIRE_FALSE(r);
  return r.error().message;
}

// Selected rules naming `syscall`, as "action/argument-index" strings.
std::vector<std::string> rules_for(const std::vector<std::string> &caps,
                                   const SeccompHost &host,
                                   std::string_view syscall) {
  std::vector<std::string> out;
  for (const auto *r :
       select_seccomp_rules(default_seccomp_profile(), caps, host)) {
    if (std::find(r->names.begin(), r->names.end(), syscall) == r->names.end())
      continue;
    std::string s = r->action == SeccompAction::allow ? "allow" : "errno";
    if (r->errno_ret)
      s += std::to_string(*r->errno_ret);
    for (const auto &a : r->args)
      s += "/arg" + std::to_string(a.index);
    out.push_back(s);
  }
  return out;
}

using Strings = std::vector<std::string>;

// errno of a failed call, 0 on success.
int err(long rc) { return rc < 0 ? errno : 0; }

// Runs `checks` in a forked child confined by `prog`; returns the child's
// exit status: 0 when every check passed, else the number of the failed one.
int run_confined(const std::vector<sock_filter> &prog, int (*checks)()) {
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        install_seccomp(prog.data(), prog.size()) != 0)
      _exit(100);
    _exit(checks());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int default_profile_checks() {
  if (syscall(SYS_getpid) <= 0)
    return 1;
  if (err(syscall(SYS_keyctl, 0, 0, 0, 0, 0)) != EPERM)
    return 2;
  if (err(unshare(CLONE_NEWNS)) != EPERM)
    return 3;
  if (err(unshare(0)) != EPERM) // harmless, but needs CAP_SYS_ADMIN's rule
    return 4;
  if (err(syscall(SYS_clone3, nullptr, 0)) != ENOSYS) // glibc falls back
    return 5;
  if (err(socket(AF_VSOCK, SOCK_STREAM, 0)) != EPERM ||
      err(socket(AF_ALG, SOCK_SEQPACKET, 0)) != EPERM)
    return 6;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0)
    return 7;
  close(fd);
  if (err(personality(0xffffffff)) != 0 || err(personality(PER_BSD)) != EPERM)
    return 8;
  pid_t child = fork(); // clone without namespace flags
  if (child < 0)
    return 9;
  if (child == 0)
    _exit(0);
  int status = 1;
  if (waitpid(child, &status, 0) != child || status != 0)
    return 10;
  if (err(chroot("/nonexistent-skiff")) != ENOENT) // CAP_SYS_CHROOT's rule
    return 11;
  if (err(syscall(1000)) != ENOSYS) // above every syscall the profile names
    return 12;
  if (err(syscall(SYS_io_uring_setup, 1, nullptr)) != EPERM ||
      err(syscall(SYS_io_uring_enter, -1, 0, 0, 0, nullptr, 0)) != EPERM ||
      err(syscall(SYS_io_uring_register, -1, 0, nullptr, 0)) != EPERM)
    return 13;
  return 0;
}

int sys_admin_checks() {
  if (err(unshare(0)) != 0)
    return 1;
  if (err(syscall(SYS_clone3, nullptr, 0)) != EINVAL) // reaches the kernel
    return 2;
  if (err(syscall(SYS_keyctl, 0, 0, 0, 0, 0)) != EPERM)
    return 3;
  return 0;
}

int custom_profile_checks() {
  if (err(syscall(SYS_getppid)) != EXDEV)
    return 1;
  if (syscall(SYS_getpid) <= 0)
    return 2;
  if (err(personality(PER_LINUX32)) != ETXTBSY ||
      err(personality(0xffffffff)) != 0)
    return 3;
  // Two conditions on one argument are ORed, as runc does.
  if (err(syscall(SYS_umask, 07)) != EDOM ||
      err(syscall(SYS_umask, 011)) != EDOM || err(syscall(SYS_umask, 022)))
    return 4;
  return 0;
}

constexpr std::string_view kCustomProfile = R"({
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    {"names": ["getppid", "no_such_syscall"], "action": "SCMP_ACT_ERRNO",
     "errnoRet": 18},
    {"name": "personality", "action": "SCMP_ACT_ERRNO", "errnoRet": 26,
     "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
    {"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 33,
     "args": [{"index": 0, "value": 7, "op": "SCMP_CMP_EQ"},
              {"index": 0, "value": 9, "op": "SCMP_CMP_EQ"}]},
    {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}
  ]
})";

} // namespace

TEST_CASE("seccomp: the default profile is moby's", "[seccomp]") {
  const auto &p = default_seccomp_profile();
  CHECK(p.default_action == SeccompAction::errno_ret);
  CHECK(p.default_errno_ret == 1u);
  CHECK(p.architectures.empty());
  REQUIRE(p.arch_map.size() == 9);
  CHECK(p.arch_map[0].architecture == "SCMP_ARCH_X86_64");
  CHECK(p.arch_map[0].sub_architectures ==
        Strings{"SCMP_ARCH_X86", "SCMP_ARCH_X32"});
  CHECK(p.arch_map[7].sub_architectures.empty()); // riscv64: null
  REQUIRE(p.syscalls.size() == 33);
  CHECK(p.syscalls[0].names.size() == 361);
  CHECK(p.syscalls[0].action == SeccompAction::allow);
  // Docker 25 and later: io_uring is not in the allowed list.
  for (const char *name : {"io_uring_setup", "io_uring_enter", "io_uring_register"})
    CHECK(std::find(p.syscalls[0].names.begin(), p.syscalls[0].names.end(), name) ==
          p.syscalls[0].names.end());

  // Every address family but AF_ALG (38) and AF_VSOCK (40).
  const auto &below = p.syscalls[2];
  CHECK(below.names == Strings{"socket"});
  REQUIRE(below.args.size() == 1);
  CHECK(below.args[0].op == SeccompOp::lt);
  CHECK(below.args[0].value == 38);
  CHECK(p.syscalls[4].args[0].op == SeccompOp::gt);
  CHECK(p.syscalls[4].args[0].value == 40);

  const auto &clone = p.syscalls[18];
  CHECK(clone.names == Strings{"clone"});
  CHECK(clone.args[0].op == SeccompOp::masked_eq);
  CHECK(clone.args[0].value == 0x7E020000);
  CHECK(clone.excludes.caps == Strings{"CAP_SYS_ADMIN"});

  const auto &clone3 = p.syscalls[20];
  CHECK(clone3.names == Strings{"clone3"});
  CHECK(clone3.action == SeccompAction::errno_ret);
  CHECK(clone3.errno_ret == 38u);
  CHECK(p.syscalls[1].includes.min_kernel == KernelVersion{4, 8});
}

TEST_CASE("seccomp: parse errors say where and what", "[seccomp]") {
  auto bad_json = parse_error(R"({"defaultAction": )");
  CHECK(bad_json.starts_with("seccomp profile: invalid JSON: "));
  CHECK(bad_json.find("line 1") != std::string::npos);
  CHECK(bad_json.find("json.exception") == std::string::npos);

  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_BOGUS"})") ==
        "seccomp profile: defaultAction: unknown action \"SCMP_ACT_BOGUS\" "
        "(want one of SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, "
        "SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, "
        "SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG)");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
          {"names": ["read"], "action": "SCMP_ACT_ERRNO",
           "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]})")
            .starts_with("seccomp profile: syscalls[0].args[0].op: unknown "
                         "operator \"SCMP_CMP_ALMOST\" (want one of "
                         "SCMP_CMP_NE,"));
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
          {"names": ["read"], "action": "SCMP_ACT_ERRNO",
           "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})") ==
        "seccomp profile: syscalls[0].args[0].index: expected an integer "
        "from 0 to 5");
  CHECK(parse_error(R"({"syscalls": []})") ==
        "seccomp profile: defaultAction: missing");
  CHECK(parse_error(R"([])") == "seccomp profile: expected a JSON object");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_NOTIFY"})") ==
        "seccomp profile: defaultAction: SCMP_ACT_NOTIFY is not supported");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ERRNO",
          "defaultErrnoRet": -1})") ==
        "seccomp profile: defaultErrnoRet: expected an integer from 0 to "
        "65535");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ERRNO",
          "architectures": ["SCMP_ARCH_X86_64"],
          "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]})") ==
        "seccomp profile: use either \"architectures\" or \"archMap\"");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
          {"name": "read", "names": ["write"], "action": "SCMP_ACT_ALLOW"}]})")
        == "seccomp profile: syscalls[0]: use either \"name\" or \"names\"");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
          {"names": "read", "action": "SCMP_ACT_ALLOW"}]})") ==
        "seccomp profile: syscalls[0].names: expected an array of strings");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
          {"names": ["read"], "action": "SCMP_ACT_ALLOW",
           "includes": {"minKernel": "4"}}]})") ==
        "seccomp profile: syscalls[0].includes.minKernel: expected "
        "\"<major>.<minor>\"");
  CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ERRNO",
          "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]})")
            .starts_with("seccomp profile: flags[0]: unknown flag"));
}

TEST_CASE("seccomp: Docker-schema details parse like moby", "[seccomp]") {
  auto p = parse_seccomp_profile(R"({
    "defaultAction": "SCMP_ACT_KILL_PROCESS",
    "architectures": null,
    "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                  "args": null, "comment": "ignored", "unknownField": 1,
                  "excludes": {"minKernel": ""}}]})");
  REQUIRE(p);
  CHECK(p->default_action == SeccompAction::kill_process);
  CHECK(p->flags == 6u); // SECCOMP_FILTER_FLAG_LOG | SPEC_ALLOW
  CHECK_FALSE(p->syscalls[0].excludes.min_kernel);
}

TEST_CASE("seccomp: rules follow capabilities, arch and kernel",
          "[seccomp]") {
  const SeccompHost amd64{"amd64", {6, 1}};
  CHECK(rules_for(kDockerCaps, amd64, "clone") == Strings{"allow/arg0"});
  CHECK(rules_for(kDockerCaps, amd64, "clone3") == Strings{"errno38"});
  CHECK(rules_for(kDockerCaps, amd64, "mount").empty());
  CHECK(rules_for(kDockerCaps, amd64, "chroot") == Strings{"allow"});
  CHECK(rules_for(kDockerCaps, amd64, "arch_prctl") == Strings{"allow"});
  CHECK(rules_for(kDockerCaps, amd64, "ptrace") == Strings{"allow"});
  CHECK(rules_for(kDockerCaps, amd64, "bpf").empty());

  auto admin = with(kDockerCaps, "CAP_SYS_ADMIN");
  CHECK(rules_for(admin, amd64, "clone") == Strings{"allow"});
  CHECK(rules_for(admin, amd64, "clone3") == Strings{"allow"});
  CHECK(rules_for(admin, amd64, "mount") == Strings{"allow"});
  CHECK(rules_for(with(kDockerCaps, "CAP_BPF"), amd64, "bpf") ==
        Strings{"allow"});
  CHECK(rules_for(with(kDockerCaps, "CAP_SYS_PTRACE"), amd64, "ptrace") ==
        Strings{"allow", "allow"});

  CHECK(rules_for(kDockerCaps, {"amd64", {4, 7}}, "ptrace").empty());
  CHECK(rules_for(kDockerCaps, {"s390x", {6, 1}}, "clone") ==
        Strings{"allow/arg1"});
  CHECK(rules_for(kDockerCaps, {"arm64", {6, 1}}, "arch_prctl").empty());
}

TEST_CASE("seccomp: compiling", "[seccomp]") {
  auto plain = compile_seccomp(default_seccomp_profile(), kDockerCaps);
  REQUIRE(plain);
  CHECK(plain->size() > 100);
  CHECK(plain->size() <= BPF_MAXINSNS);
  auto admin = compile_seccomp(default_seccomp_profile(),
                               with(kDockerCaps, "CAP_SYS_ADMIN"));
  REQUIRE(admin);
  CHECK(admin->size() != plain->size());

  auto vax = parse_seccomp_profile(R"({"defaultAction": "SCMP_ACT_ERRNO",
      "architectures": ["SCMP_ARCH_VAX"]})");
  REQUIRE(vax);
  auto r = compile_seccomp(*vax, {});
  REQUIRE_FALSE(r);
  CHECK(r.error().message ==
        "seccomp profile: unknown architecture \"SCMP_ARCH_VAX\"");

  CHECK(install_seccomp(nullptr, 0) == EINVAL);
}

TEST_CASE("seccomp: the default profile confines a process like Docker",
          "[seccomp]") {
  auto plain = compile_seccomp(default_seccomp_profile(), kDockerCaps);
  REQUIRE(plain);
  CHECK(run_confined(*plain, default_profile_checks) == 0);

  auto admin = compile_seccomp(default_seccomp_profile(),
                               with(kDockerCaps, "CAP_SYS_ADMIN"));
  REQUIRE(admin);
  CHECK(run_confined(*admin, sys_admin_checks) == 0);
}

TEST_CASE("seccomp: a user profile that allows by default", "[seccomp]") {
  auto p = parse_seccomp_profile(kCustomProfile);
  REQUIRE(p);
  auto prog = compile_seccomp(*p, {});
  REQUIRE(prog);
  CHECK(run_confined(*prog, custom_profile_checks) == 0);
}
