#include "volume_mounts.hpp"

#include <sys/mount.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "skiff/sys/mount_ops.hpp"
#include "skiff/sys/mount_point.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/json_read.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::engine {

namespace {

std::string users_dir(const storage::Store &store, const std::string &name) {
  return store.volume_dir(name) + "/users";
}

bool user_alive(const std::string &path) {
  auto text = fs::read_file(path);
  if (!text)
    return false;
  auto fields = str::split(str::trim(*text), ' ');
  if (fields.size() != 2)
    return false;
  auto pid = str::to_int(fields[0]);
  auto start = str::to_int(fields[1]);
  return pid && start && *pid > 0 && sys::process_alive(static_cast<pid_t>(*pid), static_cast<uint64_t>(*start));
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

} // namespace

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

Status acquire_volume_mounts(const storage::Store &store, const storage::ContainerConfig &c) {
  std::string me = fmt::format("{} {}\n", ::getpid(), sys::process_start_time(::getpid()));
  std::vector<std::string> taken;
  auto undo = [&](Error e) {
    for (const auto &name : taken)
      ::unlink((users_dir(store, name) + "/" + c.id).c_str());
    return e;
  };
  auto lock = TRY(store.lock_volumes());
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
    if (*mounted && live)
      continue;
    // Mounted with no live user: what a killed run left, which Docker's
    // daemon would have unmounted at its restart. A fresh mount instead.
    if (*mounted)
      if (auto s = unmount_data(data); !s)
        return undo(std::move(s).error());
    if (auto s = mount_data(**want, data); !s)
      return undo(std::move(s).error());
  }
  return {};
}

void release_volume_mounts(const storage::Store &store, const std::string &id) {
  auto names = fs::list_dir(store.root() + "/volumes");
  if (!names)
    return;
  std::optional<FileLock> lock;
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
      (void)unmount_data(store.volume_dir(name) + "/_data");
  }
}

Status unmount_unused_volume(const storage::Store &store, const std::string &name) {
  if (prune_users(store, name))
    return make_error(Errc::conflict, "remove {}: volume has active mounts", name);
  return unmount_data(store.volume_dir(name) + "/_data");
}

} // namespace skiff::engine
