// The bpf(2) calls cgroup v2 device control needs.
#pragma once

#include <cstddef>

#include <linux/bpf.h>

#include "skiff/util/result.hpp"

namespace skiff::sys {

// Loads `insns` as a BPF_PROG_TYPE_CGROUP_DEVICE program and attaches it
// to the cgroup v2 directory `cgroup_fd` (BPF_F_ALLOW_MULTI: programs of
// ancestors still apply). The attachment lives as long as the cgroup.
Status attach_device_program(int cgroup_fd, const bpf_insn *insns, size_t count);

} // namespace skiff::sys
