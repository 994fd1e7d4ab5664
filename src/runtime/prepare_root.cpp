#include "skiff/runtime/prepare_root.hpp"

#include "mounts.hpp"
#include "process_setup.hpp"

namespace skiff::runtime {

Status prepare_root(sys::MountOps &ops, const InitSpec &p, int fuse_sock) {
  TRY_STATUS(detail::isolate_mounts(ops, p));
  TRY_STATUS(detail::mount_root(ops, p, fuse_sock));
  TRY_STATUS(detail::mount_all(ops, p));
  TRY_STATUS(detail::pivot_into(ops, p.rootfs));
  detail::mask_paths(ops, p);
  if (p.read_only)
    TRY_STATUS(detail::remount_readonly(ops, "/", 0));
  if (!p.hostname.empty() && ops.sethostname(p.hostname) < 0)
    return sys_error("setting the hostname");
  return detail::apply_rlimits(p.ulimits, ops);
}

} // namespace skiff::runtime
