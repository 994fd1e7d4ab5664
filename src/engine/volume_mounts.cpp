#include "volume_mounts.hpp"

#include <sys/mount.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "skiff/runtime/userns_holder.hpp"
#include "skiff/sys/mount_ops.hpp"
#include "skiff/sys/mount_point.hpp"
#include "skiff/sys/mount_tree.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/json_read.hpp"

namespace skiff::engine {

VolumeOptions recorded_volume_options(const storage::Store &store, const std::string &name) {
  std::string path = store.volume_dir(name) + "/volume.json";
  auto text = fs::read_file(path);
  if (!text)
    return {};
  auto doc = JsonDoc::parse(*text, path, Errc::failed);
  if (!doc)
    return {};
  return doc->root()["Options"].as_string_map();
}

namespace {


std::string users_dir(const storage::Store &store, const std::string &name) {
  return store.volume_dir(name) + "/users";
}

bool user_alive(const std::string &path) {
  auto text = fs::read_file(path);
  auto ref = text ? sys::parse_process_ref(*text) : std::nullopt;
  return ref && sys::process_alive(ref->pid, ref->start);
}

// Drops the users whose process is gone; true if a live one is left.
bool prune_users(const storage::Store &store, const std::string &name) {
  std::string dir = users_dir(store, name);
  bool live = false;
  for (const auto &u : fs::list_dir(dir).value_or(std::vector<std::string>{})) {
    if (user_alive(dir + "/" + u))
      live = true;
    else
      ::unlink((dir + "/" + u).c_str());
  }
  return live;
}

Status unmount_data(const std::string &data) {
  auto &ops = sys::host_mount_ops();
  if (!fs::exists(data))
    return {};
  for (int i = 0; i < 8; i++) {  // mounts stacked by racing commands: all go
    auto mounted = sys::is_mount_point(data);
    if (!mounted)
      return std::move(mounted).error();
    if (!*mounted)
      return {};
    if (ops.umount2(data.c_str(), MNT_DETACH) < 0 && errno != EINVAL)
      return sys_error("unmounting volume {}", data);
  }
  return make_error(Errc::failed, "volume {} stays mounted", data);
}

Status mount_data(const VolumeMount &m, const std::string &data) {
  auto &ops = sys::host_mount_ops();
  auto fail = [&](int err) {
    Error e{Errc::system, volume_mount_error(m, data, err), kExitRuntime};
    // docker/cli's exit status for these words (toStatusError).
    if (err == ENOENT)
      e.exit_code = kExitNotFound;
    else if (err == EACCES || err == EISDIR)
      e.exit_code = kExitCannotInvoke;
    return e;
  };
  if (ops.mount(m.device.c_str(), data.c_str(), m.type.c_str(), m.flags, m.data.c_str()) < 0)
    return fail(errno);
  if (m.propagation && ops.mount("", data.c_str(), "", m.propagation, "") < 0) {
    int err = errno;
    ops.umount2(data.c_str(), MNT_DETACH);
    return fail(err);
  }
  if (m.remount_readonly && ops.mount("", data.c_str(), "", m.flags | MS_REMOUNT, "") < 0) {
    int err = errno;
    ops.umount2(data.c_str(), MNT_DETACH);
    return fail(err);
  }
  return {};
}

// Runs `fn` where this process's volume mounts live; gives the fds it
// gives.
Result<std::vector<UniqueFd>> in_place(VolumeMountPlace place,
                                       const std::function<Result<std::vector<UniqueFd>>()> &fn) {
  if (place != VolumeMountPlace::holder)
    return fn();
  auto ns = TRY(runtime::holder_mount_namespace());
  return sys::in_mount_namespace(ns.get(), fn);
}

Result<std::vector<UniqueFd>> no_fds(Status s) {
  if (!s)
    return std::move(s).error();
  return std::vector<UniqueFd>{};
}

// Under the volumes' lock, in the mounts' namespace (perhaps in a child):
// records `me` as a user of each volume that needs a mount, mounts it if
// needed, and with `clone` gives a detached clone of each mount.
Status acquire_in_place(const storage::Store &store, const storage::ContainerConfig &c, const std::string &me,
                        bool clone, std::vector<UniqueFd> &trees) {
  std::vector<std::string> taken;
  auto undo = [&](Error e) {
    for (const auto &name : taken) {
      ::unlink((users_dir(store, name) + "/" + c.id).c_str());
      if (!prune_users(store, name))
        (void)unmount_data(store.volume_dir(name) + "/_data");
    }
    return e;
  };
  for (const auto &m : c.mounts) {
    if (m.type != "volume")
      continue;
    auto want = volume_mount(recorded_volume_options(store, m.source));
    if (!want)
      return undo(std::move(want).error());
    if (!*want)
      continue;
    std::string data = store.volume_dir(m.source) + "/_data";
    bool live = prune_users(store, m.source);
    if (auto s = fs::mkdir_p(users_dir(store, m.source), 0700); !s)
      return undo(std::move(s).error());
    if (auto s = fs::write_file_atomic(users_dir(store, m.source) + "/" + c.id, me, false, 0600); !s)
      return undo(std::move(s).error());
    taken.push_back(m.source);
    auto mounted = sys::is_mount_point(data);
    if (!mounted)
      return undo(std::move(mounted).error());
    // Mounted with no live user: what a killed run left, which Docker's
    // daemon would have unmounted at its restart. A fresh mount instead.
    if (*mounted && !live)
      if (auto s = unmount_data(data); !s)
        return undo(std::move(s).error());
    if (!(*mounted && live))
      if (auto s = mount_data(**want, data); !s)
        return undo(std::move(s).error());
    if (clone) {
      auto tree = sys::clone_mount_tree(data);
      if (!tree)
        return undo(std::move(tree).error());
      trees.push_back(std::move(*tree));
    }
  }
  return {};
}

} // namespace

VolumeMountPlace volume_mount_place() {
  if (::geteuid() == 0 && !sys::in_user_namespace())
    return VolumeMountPlace::host;
  return runtime::holder_mount_namespace() ? VolumeMountPlace::holder : VolumeMountPlace::container;
}

Result<std::vector<std::pair<std::string, UniqueFd>>> acquire_volume_mounts(const storage::Store &store,
                                                                            const storage::ContainerConfig &c,
                                                                            VolumeMountPlace place) {
  std::vector<std::pair<std::string, UniqueFd>> trees;
  bool any = false;
  for (const auto &m : c.mounts)
    any = any || (m.type == "volume" && !recorded_volume_options(store, m.source).empty());
  if (!any || place == VolumeMountPlace::container)
    return trees;
  auto lock = TRY(store.lock_volumes());
  // The user is this process (the supervisor), not a child that mounts.
  std::string me = sys::format_process_ref(sys::this_process());
  bool clone = place == VolumeMountPlace::holder;
  auto fds = TRY(in_place(place, [&]() -> Result<std::vector<UniqueFd>> {
    std::vector<UniqueFd> out;
    TRY_STATUS(acquire_in_place(store, c, me, clone, out));
    return out;
  }));
  if (clone) {
    // Made in a child, in the order of the mounts: the same walk names them.
    std::vector<std::string> dirs;
    for (const auto &m : c.mounts)
      if (m.type == "volume")
        if (auto want = volume_mount(recorded_volume_options(store, m.source)); want && *want)
          dirs.push_back(store.volume_dir(m.source) + "/_data");
    if (dirs.size() != fds.size())
      return make_error(Errc::failed, "mounting the volumes of container {}: {} mounts for {} volumes", c.id,
                        fds.size(), dirs.size());
    for (size_t i = 0; i < fds.size(); i++)
      trees.emplace_back(dirs[i], std::move(fds[i]));
  }
  return trees;
}

void release_volume_mounts(const storage::Store &store, const std::string &id) {
  auto names = fs::list_dir(store.root() + "/volumes");
  if (!names)
    return;
  std::optional<FileLock> lock;
  std::vector<std::string> unused;
  for (const auto &name : *names) {
    std::string mine = users_dir(store, name) + "/" + id;
    if (::access(mine.c_str(), F_OK) != 0)
      continue;
    if (!lock) {
      auto l = store.lock_volumes();
      if (!l)
        return;
      lock = std::move(*l);
    }
    ::unlink(mine.c_str());
    if (!prune_users(store, name))
      unused.push_back(store.volume_dir(name) + "/_data");
  }
  // Where the namespace cannot be reached (a rootless command outside the
  // user namespace), the mount stays until the next acquire finds it
  // unused, or, rootless, until the holder and its namespace end.
  if (!unused.empty())
    (void)in_place(volume_mount_place(), [&] {
      for (const auto &data : unused)
        (void)unmount_data(data);
      return no_fds({});
    });
}

Status unmount_unused_volume(const storage::Store &store, const std::string &name) {
  if (prune_users(store, name))
    return make_error(Errc::conflict, "remove {}: volume has active mounts", name);
  auto place = volume_mount_place();
  if (place == VolumeMountPlace::container)
    return {};
  auto done = in_place(place, [&] { return no_fds(unmount_data(store.volume_dir(name) + "/_data")); });
  if (!done)
    return std::move(done).error();
  return {};
}

} // namespace skiff::engine
