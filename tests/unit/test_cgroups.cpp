#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skiff/runtime/cgroups.hpp"

namespace skiff::runtime {
// Lets Catch print the writes when a comparison fails.
std::ostream &operator<<(std::ostream &os, const CgroupWrite &w) {
  return os << w.controller << ':' << w.file << '=' << w.value
            << (w.optional ? "?" : "");
}
} // namespace skiff::runtime

using namespace skiff::runtime;
using Writes = std::vector<CgroupWrite>;

constexpr int64_t MiB = 1024 * 1024;

static CgroupLimits memory(int64_t mem, std::optional<int64_t> swap = {}) {
  CgroupLimits l;
  l.memory = mem;
  l.memory_swap = swap;
  return l;
}

TEST_CASE("memory alone gets Docker's default swap of twice the memory",
          "[cgroups]") {
  CHECK(cgroup_writes(CgroupVersion::v1, memory(64 * MiB)) ==
        Writes{{"memory", "memory.limit_in_bytes", "67108864"},
               {"memory", "memory.memsw.limit_in_bytes", "134217728", true}});
  // v2 limits swap alone: total - memory.
  CHECK(cgroup_writes(CgroupVersion::v2, memory(64 * MiB)) ==
        Writes{{"memory", "memory.max", "67108864"},
               {"memory", "memory.swap.max", "67108864", true}});
  CHECK(cgroup_writes(CgroupVersion::v2, memory(64 * MiB, 0)) ==
        cgroup_writes(CgroupVersion::v2, memory(64 * MiB)));
}

TEST_CASE("memory-swap is memory plus swap", "[cgroups]") {
  auto v1 = cgroup_writes(CgroupVersion::v1, memory(64 * MiB, 100 * MiB));
  REQUIRE(v1.size() == 2);
  CHECK(v1[1].value == "104857600");
  auto v2 = cgroup_writes(CgroupVersion::v2, memory(64 * MiB, 100 * MiB));
  REQUIRE(v2.size() == 2);
  CHECK(v2[1].value == std::to_string(36 * MiB));

  // Equal to memory: no swap at all.
  CHECK(cgroup_writes(CgroupVersion::v2, memory(64 * MiB, 64 * MiB))[1].value ==
        "0");
  // -1: unlimited swap.
  CHECK(cgroup_writes(CgroupVersion::v1, memory(64 * MiB, -1))[1].value ==
        "-1");
  CHECK(cgroup_writes(CgroupVersion::v2, memory(64 * MiB, -1))[1].value ==
        "max");
}

TEST_CASE("cpus become a CFS quota over a 100ms period", "[cgroups]") {
  CgroupLimits l;
  l.cpus = 0.5;
  CHECK(cgroup_writes(CgroupVersion::v1, l) ==
        Writes{{"cpu", "cpu.cfs_period_us", "100000"},
               {"cpu", "cpu.cfs_quota_us", "50000"}});
  CHECK(cgroup_writes(CgroupVersion::v2, l) ==
        Writes{{"cpu", "cpu.max", "50000 100000"}});
  l.cpus = 1.5;
  CHECK(cgroup_writes(CgroupVersion::v2, l) ==
        Writes{{"cpu", "cpu.max", "150000 100000"}});
  l.cpus = 0;
  CHECK(cgroup_writes(CgroupVersion::v1, l).empty());
}

TEST_CASE("pids-limit of -1 or 0 means max", "[cgroups]") {
  for (auto v : {CgroupVersion::v1, CgroupVersion::v2}) {
    CgroupLimits l;
    l.pids = -1;
    CHECK(cgroup_writes(v, l) == Writes{{"pids", "pids.max", "max"}});
    l.pids = 0;
    CHECK(cgroup_writes(v, l) == Writes{{"pids", "pids.max", "max"}});
    l.pids = 20;
    CHECK(cgroup_writes(v, l) == Writes{{"pids", "pids.max", "20"}});
  }
}

TEST_CASE("no limits, no writes", "[cgroups]") {
  CHECK(cgroup_writes(CgroupVersion::v1, {}).empty());
  CHECK(cgroup_writes(CgroupVersion::v2, memory(0)).empty());
  CHECK(cgroup_writes(CgroupVersion::v2, memory(0, -1)).empty());
}

TEST_CASE("any() is true only for constraining values", "[cgroups]") {
  CgroupLimits l;
  CHECK_FALSE(l.any());
  l.pids = -1;
  l.cpus = 0;
  l.memory = 0;
  l.memory_swap = -1;
  CHECK_FALSE(l.any());
  CHECK(memory(64 * MiB).any());
  l.pids = 5;
  CHECK(l.any());
  l = {};
  l.cpus = 0.25;
  CHECK(l.any());
}

static std::string rejection(const CgroupLimits &l, long ncpus = 4) {
  auto s = validate_limits(l, ncpus);
  return s ? "" : s.error().message;
}

TEST_CASE("limits Docker rejects are rejected", "[cgroups]") {
  CHECK(rejection(memory(MiB)) == "Minimum memory limit allowed is 6MB");
  CHECK_THAT(rejection(memory(0, 128 * MiB)),
             Catch::StartsWith("You should always set the Memory limit"));
  CHECK_THAT(rejection(memory(64 * MiB, 32 * MiB)),
             Catch::StartsWith("Minimum memoryswap limit"));
  CHECK_THAT(rejection(memory(64 * MiB, -2)),
             Catch::Contains("-1 for unlimited"));

  CgroupLimits l;
  for (double bad : {0.001, 4.5, -1.0, std::nan("")}) {
    l.cpus = bad;
    CHECK(rejection(l) ==
          "Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs "
          "available");
  }
  for (double good : {0.0, 0.01, 4.0}) {
    l.cpus = good;
    CHECK(rejection(l).empty());
  }
  CHECK(rejection(memory(64 * MiB, -1)).empty());
  CHECK(rejection(memory(0, -1)).empty());
  CHECK(rejection(memory(6 * MiB, 6 * MiB)).empty());
}

TEST_CASE("v1 controllers are found in mountinfo", "[cgroups]") {
  const char *mountinfo =
      "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:7 - cgroup "
      "cgroup rw,cpu,cpuacct\n"
      "34 30 0:31 / /sys/fs/cgroup/mem\\040ory rw - cgroup cgroup "
      "rw,memory\n"
      "35 30 0:31 / /mnt/again rw - cgroup cgroup rw,memory\n"
      "39 30 0:36 / /sys/fs/cgroup/systemd rw - cgroup cgroup "
      "rw,xattr,name=systemd\n"
      "40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
  CHECK(cgroup_detail::parse_v1_mounts(mountinfo) ==
        std::map<std::string, std::string>{
            {"cpu", "/sys/fs/cgroup/cpu,cpuacct"},
            {"cpuacct", "/sys/fs/cgroup/cpu,cpuacct"},
            {"memory", "/sys/fs/cgroup/mem ory"}});
}

static std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

static std::string first_line(const std::string &path) {
  std::string s = slurp(path);
  return s.substr(0, s.find('\n'));
}

// The cgroup path /proc/PID/cgroup gives for a v1 controller, or for v2.
static std::string cgroup_of(pid_t pid, const std::string &controller) {
  std::istringstream in(slurp(fmt::format("/proc/{}/cgroup", pid)));
  for (std::string line; std::getline(in, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    std::istringstream names(line.substr(a + 1, b - a - 1));
    for (std::string n; std::getline(names, n, ',');)
      if (n == controller)
        return line.substr(b + 1);
    if (controller.empty() && b == a + 1)
      return line.substr(b + 1);
  }
  return "";
}

// A child blocked on a pipe until released; the cgroup is destroyed after it
// is reaped, even when an assertion fails first.
struct Subject {
  int release = -1;
  pid_t pid = -1;
  std::optional<Cgroup> cgroup;

  Subject() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[1]);
      char c;
      ssize_t n = ::read(fds[0], &c, 1);
      ::_exit(n == 0 ? 0 : 1);
    }
    ::close(fds[0]);
    release = fds[1];
  }
  ~Subject() {
    ::close(release);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (cgroup)
      CHECK(cgroup->destroy());
  }
};

TEST_CASE("root creates, joins and removes a limited cgroup",
          "[cgroups][root]") {
  auto version = detect_cgroup_version();
  if (::geteuid() != 0 || !version) {
    WARN("skipped: needs root and a cgroup filesystem");
    SUCCEED();
    return;
  }
  const bool v1 = *version == CgroupVersion::v1;
  const std::string name = fmt::format("{:064x}", ::getpid());
  CgroupLimits limits = memory(64 * MiB);
  limits.pids = 20;
  limits.cpus = 0.5;

  std::vector<std::string> paths;
  {
    Subject child;
    auto cg = Cgroup::create(name, limits);
    INFO((cg ? std::string() : cg.error().message));
    REQUIRE(cg);
    child.cgroup = *cg;
    paths = cg->paths();
    REQUIRE_FALSE(paths.empty());
    REQUIRE(cg->add_process(child.pid));

    std::string mem_dir, pids_dir, cpu_dir;
    for (const auto &p : paths) {
      if (::access((p + "/pids.max").c_str(), F_OK) == 0)
        pids_dir = p;
      if (::access((p + (v1 ? "/cpu.cfs_quota_us" : "/cpu.max")).c_str(),
                   F_OK) == 0)
        cpu_dir = p;
      if (::access((p + (v1 ? "/memory.limit_in_bytes" : "/memory.max"))
                       .c_str(),
                   F_OK) == 0)
        mem_dir = p;
    }
    REQUIRE(!mem_dir.empty());
    REQUIRE(!pids_dir.empty());
    REQUIRE(!cpu_dir.empty());
    CHECK(first_line(pids_dir + "/pids.max") == "20");
    if (v1) {
      CHECK(first_line(mem_dir + "/memory.limit_in_bytes") == "67108864");
      CHECK(first_line(cpu_dir + "/cpu.cfs_quota_us") == "50000");
      if (::access((mem_dir + "/memory.memsw.limit_in_bytes").c_str(),
                   F_OK) == 0)
        CHECK(first_line(mem_dir + "/memory.memsw.limit_in_bytes") ==
              "134217728");
      for (const char *c : {"memory", "pids", "cpu", "cpuacct"})
        CHECK_THAT(cgroup_of(child.pid, c), Catch::EndsWith("/skiff/" + name));
    } else {
      CHECK(first_line(mem_dir + "/memory.max") == "67108864");
      CHECK(first_line(cpu_dir + "/cpu.max") == "50000 100000");
      CHECK_THAT(cgroup_of(child.pid, ""), Catch::EndsWith("/skiff/" + name));
    }
  }
  for (const auto &p : paths)
    CHECK(::access(p.c_str(), F_OK) != 0);
  // Removing again is not an error.
  CHECK(Cgroup::destroy_by_name(name));
}

// Runs create() as an unprivileged user in a child; returns its error text,
// "empty" or "cgroup".
static std::string create_as_nobody(const CgroupLimits &limits) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string out = "setresuid failed";
    if (::setresgid(65534, 65534, 65534) == 0 &&
        ::setresuid(65534, 65534, 65534) == 0) {
      auto cg = Cgroup::create(std::string(64, 'a'), limits);
      out = !cg ? cg.error().message : cg->empty() ? "empty" : "cgroup";
    }
    ssize_t n = ::write(fds[1], out.data(), out.size());
    ::_exit(n < 0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return out;
}

TEST_CASE("rootless on cgroup v1 refuses limits and skips the rest",
          "[cgroups][root]") {
  if (::geteuid() != 0 || detect_cgroup_version() != CgroupVersion::v1) {
    WARN("skipped: needs root (to become nobody) on a cgroup v1 host");
    SUCCEED();
    return;
  }
  CHECK(create_as_nobody({}) == "empty");
  CgroupLimits pids;
  pids.pids = -1;
  CHECK(create_as_nobody(pids) == "empty");
  CHECK(create_as_nobody(memory(64 * MiB)) ==
        "--memory needs cgroup v2 with delegated controllers (this host uses "
        "cgroup v1); run as root or drop the limit");
  CgroupLimits both = memory(64 * MiB, -1);
  both.cpus = 0.5;
  CHECK(create_as_nobody(both) ==
        "--memory, --memory-swap, --cpus need cgroup v2 with delegated "
        "controllers (this host uses cgroup v1); run as root or drop the "
        "limits");
}

TEST_CASE("cgroups: the OOM kill count, v1 and v2", "[cgroups]") {
  using skiff::runtime::cgroup_detail::oom_kill_count;
  CHECK(oom_kill_count("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n") == 3);
  CHECK(oom_kill_count("low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n") == 1);
  CHECK(oom_kill_count("oom_kill_disable 0\nunder_oom 0\n") == 0);
}
