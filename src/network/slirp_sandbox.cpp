// The libslirp helper's confinement: it handles packets from the container
// and must be worth little to an attacker who takes it over.
#include <fcntl.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <memory>

#include <seccomp.h>

#include "slirp_loop.hpp"

namespace skiff::network::detail {

namespace {

// A read-only bind of a host directory into the new root; the source's
// nosuid/nodev/noexec must be kept (a user namespace cannot drop them).
Status bind_readonly(const char *src, const std::string &dst) {
  struct statvfs sv;
  if (::statvfs(src, &sv) < 0)
    return {};  // nothing there to keep
  if (::mkdir(dst.c_str(), 0755) < 0 && errno != EEXIST)
    return sys_error("creating {}", dst);
  if (::mount(src, dst.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    return sys_error("binding {}", src);
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (::mount(nullptr, dst.c_str(), nullptr, flags, nullptr) < 0)
    return sys_error("making {} read-only", dst);
  return {};
}

Status empty_root() {
  if (::unshare(CLONE_NEWNS) < 0)
    return sys_error("creating the network helper's mount namespace");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
    return sys_error("making the network helper's mounts private");
  const std::string root = "/tmp";
  if (::mount("tmpfs", root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=0755") < 0)
    return sys_error("mounting the network helper's root");
  TRY_STATUS(bind_readonly("/etc", root + "/etc"));
  TRY_STATUS(bind_readonly("/run", root + "/run"));
  if (::chdir(root.c_str()) < 0 || ::syscall(SYS_pivot_root, ".", ".") < 0 ||
      ::umount2(".", MNT_DETACH) < 0 || ::chdir("/") < 0)
    return sys_error("entering the network helper's root");
  return {};
}

Status drop_capabilities() {
  std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void *)> none(cap_init(), cap_free);
  if (!none || cap_set_proc(none.get()) < 0)
    return sys_error("dropping the network helper's capabilities");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sys_error("setting no_new_privs");
  return {};
}

Status deny_syscalls() {
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx)
    return make_error(Errc::failed, "initialising the network helper's seccomp filter");
  for (const char *name :
       {"execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
        "mount", "umount2", "pivot_root", "chroot", "setns", "unshare", "open_by_handle_at",
        "name_to_handle_at", "init_module", "finit_module", "delete_module", "kexec_load",
        "kexec_file_load", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key",
        "request_key", "reboot", "swapon", "swapoff", "fsopen", "fsmount", "move_mount",
        "open_tree", "mount_setattr", "lookup_dcookie"}) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), nr, 0) < 0)
      return make_error(Errc::failed, "adding {} to the network helper's seccomp filter", name);
  }
  if (seccomp_load(ctx.get()) < 0)
    return make_error(Errc::failed, "loading the network helper's seccomp filter");
  return {};
}

} // namespace

Status confine_slirp() {
  TRY_STATUS(empty_root());
  TRY_STATUS(drop_capabilities());
  return deny_syscalls();
}

} // namespace skiff::network::detail
