#include "skiff/sys/bpf.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "skiff/util/fd.hpp"

namespace skiff::sys {

namespace {

long bpf(int cmd, bpf_attr &attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

} // namespace

Status attach_device_program(int cgroup_fd, const bpf_insn *insns, size_t count) {
  static const char license[] = "Apache-2.0";
  bpf_attr load;
  std::memset(&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(insns);
  load.insn_cnt = static_cast<uint32_t>(count);
  load.license = reinterpret_cast<uint64_t>(license);
  UniqueFd prog(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
  if (!prog) {
    Error e = sys_error("loading the device cgroup program");
    // The verifier says why; ask again with its log.
    std::string log(16384, '\0');
    load.log_buf = reinterpret_cast<uint64_t>(log.data());
    load.log_size = static_cast<uint32_t>(log.size());
    load.log_level = 1;
    if (bpf(BPF_PROG_LOAD, load) < 0 && log[0] != '\0')
      e.message += ": " + std::string(log.c_str());
    return e;
  }
  bpf_attr attach;
  std::memset(&attach, 0, sizeof attach);
  attach.target_fd = static_cast<uint32_t>(cgroup_fd);
  attach.attach_bpf_fd = static_cast<uint32_t>(prog.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, attach) < 0)
    return sys_error("attaching the device cgroup program");
  return {};
}

} // namespace skiff::sys
