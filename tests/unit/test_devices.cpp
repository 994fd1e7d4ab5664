#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include <catch2/catch.hpp>

#include "skiff/runtime/devices.hpp"
#include "skiff/sys/bpf.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"

using namespace skiff;
using namespace skiff::runtime;

namespace {

// Runs a cgroup device program the way the kernel would, for the few
// instructions device_program emits. Returns its verdict (1 allow, 0 deny).
uint64_t evaluate(const std::vector<bpf_insn> &prog, char type, const std::string &access,
                  uint32_t major, uint32_t minor) {
  uint32_t acc = 0;
  for (char c : access)
    acc |= c == 'm' ? BPF_DEVCG_ACC_MKNOD : c == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
  uint32_t ctx[3] = {acc << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), major,
                     minor};
  uint64_t r[11] = {};
  for (size_t pc = 0; pc < prog.size(); pc++) {
    const bpf_insn &i = prog[pc];
    uint64_t imm = static_cast<uint64_t>(static_cast<int64_t>(i.imm));
    switch (i.code) {
    case BPF_LDX | BPF_MEM | BPF_W:
      REQUIRE(i.src_reg == BPF_REG_1);
      r[i.dst_reg] = ctx[i.off / 4];
      break;
    case BPF_ALU64 | BPF_MOV | BPF_X: r[i.dst_reg] = r[i.src_reg]; break;
    case BPF_ALU64 | BPF_MOV | BPF_K: r[i.dst_reg] = imm; break;
    case BPF_ALU64 | BPF_AND | BPF_K: r[i.dst_reg] &= imm; break;
    case BPF_ALU64 | BPF_RSH | BPF_K: r[i.dst_reg] >>= imm; break;
    case BPF_JMP | BPF_JNE | BPF_K:
      if (r[i.dst_reg] != imm)
        pc += static_cast<size_t>(i.off);
      break;
    case BPF_JMP | BPF_EXIT: return r[0];
    default: FAIL("unexpected instruction " << int(i.code));
    }
  }
  FAIL("the program fell off its end");
  return 0;
}

bool cgroup2_at(const char *path) {
  struct statfs st {};
  return ::statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

} // namespace

TEST_CASE("devices: --device-cgroup-rule as Docker parses it", "[devices]") {
  auto r = parse_device_rule("c 1:3 rwm");
  REQUIRE(r);
  CHECK(*r == DeviceRule{'c', 1, 3, "rwm"});
  CHECK(*parse_device_rule("b *:* m") == DeviceRule{'b', -1, -1, "m"});
  CHECK(*parse_device_rule("a 7:* rw") == DeviceRule{'a', 7, -1, "rw"});
  CHECK(format_device_rule(*parse_device_rule("c 136:* rw")) == "c 136:* rw");
  for (const char *bad : {"", "c 1:3", "x 1:3 rwm", "c 1 rwm", "c 1:3 rwx", "c 1:3 rwmr", "c -1:3 r",
                          "c 1:3  rwm", "cc 1:3 r"}) {
    auto e = parse_device_rule(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == fmt::format("invalid device cgroup rule format: '{}'", bad));
  }
}

TEST_CASE("devices: v1 writes deny everything, then allow each rule", "[devices]") {
  auto w = device_writes_v1({{'c', -1, -1, "m"}, {'c', 1, 3, "rwm"}});
  REQUIRE(w.size() == 3);
  CHECK(w[0] == CgroupWrite{"devices", "devices.deny", "a"});
  CHECK(w[1] == CgroupWrite{"devices", "devices.allow", "c *:* m"});
  CHECK(w[2] == CgroupWrite{"devices", "devices.allow", "c 1:3 rwm"});
}

TEST_CASE("devices: the v2 program allows what the default rules allow", "[devices]") {
  auto p = device_program(default_device_rules());
  for (uint32_t minor : {3u, 5u, 7u, 8u, 9u})
    CHECK(evaluate(p, 'c', "rwm", 1, minor) == 1);
  CHECK(evaluate(p, 'c', "rw", 5, 0) == 1);   // tty
  CHECK(evaluate(p, 'c', "rw", 5, 2) == 1);   // ptmx
  CHECK(evaluate(p, 'c', "r", 136, 4) == 1);  // a pty slave
  CHECK(evaluate(p, 'c', "m", 10, 200) == 1); // mknod of anything
  CHECK(evaluate(p, 'b', "m", 7, 0) == 1);
  CHECK(evaluate(p, 'b', "r", 7, 0) == 0);    // but no open: a loop device
  CHECK(evaluate(p, 'b', "rm", 7, 0) == 0);
  CHECK(evaluate(p, 'c', "w", 10, 200) == 0); // tun
  CHECK(evaluate(p, 'c', "rw", 10, 229) == 0); // fuse
  CHECK(evaluate(p, 'c', "rw", 10, 232) == 0); // kvm
  CHECK(evaluate(p, 'c', "r", 1, 1) == 0);    // /dev/mem
  CHECK(evaluate(p, 'b', "rw", 1, 3) == 0);   // the type counts
}

TEST_CASE("devices: the v2 program for --device and privileged rules", "[devices]") {
  auto p = device_program({{'c', 10, 232, "r"}, {'b', 8, -1, "rw"}});
  CHECK(evaluate(p, 'c', "r", 10, 232) == 1);
  CHECK(evaluate(p, 'c', "rw", 10, 232) == 0);
  CHECK(evaluate(p, 'b', "w", 8, 17) == 1);
  CHECK(evaluate(p, 'b', "m", 8, 17) == 0);
  CHECK(evaluate(p, 'c', "r", 8, 17) == 0);
  auto all = device_program({kAllDevices});
  CHECK(evaluate(all, 'b', "rwm", 7, 0) == 1);
  CHECK(evaluate(all, 'c', "rw", 10, 229) == 1);
  CHECK(evaluate(device_program({}), 'c', "r", 1, 3) == 0);
}

TEST_CASE("devices: --device of a node, a symlink and a directory", "[devices]") {
  auto null = devices_from_path("/dev/null", "/dev/mynull");
  REQUIRE(null);
  REQUIRE(null->size() == 1);
  CHECK((*null)[0].path == "/dev/mynull");
  CHECK((*null)[0].type == 'c');
  CHECK((*null)[0].major == 1);
  CHECK((*null)[0].minor == 3);
  CHECK((*null)[0].host_path == "/dev/null");
  auto stdin_link = devices_from_path("/dev/stdin", "/dev/in");  // a symlink chain
  if (stdin_link && !stdin_link->empty())
    CHECK((*stdin_link)[0].path == "/dev/in");
  auto missing = devices_from_path("/dev/skiff-nope", "/dev/x");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "error gathering device information while adding custom device "
                                   "\"/dev/skiff-nope\": No such file or directory");
  auto file = devices_from_path("/etc/hostname", "/dev/x");
  REQUIRE_FALSE(file);
  CHECK(file.error().message.find("not a device node") != std::string::npos);
  auto host = host_devices();
  CHECK(std::any_of(host.begin(), host.end(), [](const auto &n) { return n.path == "/dev/null"; }));
  CHECK(std::none_of(host.begin(), host.end(), [](const auto &n) {
    return n.path.rfind("/dev/pts/", 0) == 0 || n.path == "/dev/console" || n.path == "/dev/ptmx";
  }));
}

// The program in the kernel: a cgroup v2 directory (the unified hierarchy
// of a hybrid host will do) with the default rules attached; a process in
// it may open /dev/null and make, but not open, a loop device node.
TEST_CASE("devices: the v2 program loaded into the kernel", "[devices][root]") {
  const char *base = cgroup2_at("/sys/fs/cgroup") ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
  if (::geteuid() != 0 || !cgroup2_at(base)) {
    WARN("skipped: needs root and a cgroup v2 mount");
    return;
  }
  std::string dir = fmt::format("{}/skiff-unit-devices-{}", base, ::getpid());
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  UniqueFd cg(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  auto prog = device_program(default_device_rules());
  auto attached = sys::attach_device_program(cg.get(), prog.data(), prog.size());
  INFO((attached ? "" : attached.error().message));
  REQUIRE(attached);
  std::string node = fmt::format("/tmp/skiff-unit-loop-{}", ::getpid());
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!fs::write_file(dir + "/cgroup.procs", std::to_string(::getpid())))
      ::_exit(10);
    int fd = ::open("/dev/null", O_RDWR);
    if (fd < 0)
      ::_exit(11);
    ::close(fd);
    if (::mknod(node.c_str(), S_IFBLK | 0600, makedev(7, 0)) != 0)
      ::_exit(12);
    if (::open(node.c_str(), O_RDONLY) >= 0 || errno != EPERM)
      ::_exit(13);
    ::_exit(0);
  }
  int status = -1;
  ::waitpid(pid, &status, 0);
  ::unlink(node.c_str());
  ::rmdir(dir.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
