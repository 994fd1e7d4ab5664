// Container removal that survives kill -9 at any step (removal.hpp), and
// the stop request, which needs no free space either.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "skiff/storage/store.hpp"
#include "skiff/sys/mount_point.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::storage {


static constexpr std::string_view kMarkerPrefix = "removing-";
static constexpr std::string_view kVolumesSuffix = "-volumes";
static constexpr std::string_view kJson = ".json";
static constexpr const char *kStopRequest = "/stop-requested";

std::string removal_marker_name(const RemovalMarker &m) {
  return fmt::format("{}{}{}{}", kMarkerPrefix, m.owner, m.volumes ? kVolumesSuffix : "", kJson);
}

std::optional<RemovalMarker> parse_removal_marker(std::string_view name) {
  if (!name.starts_with(kMarkerPrefix) || !name.ends_with(kJson))
    return std::nullopt;
  name.remove_prefix(kMarkerPrefix.size());
  name.remove_suffix(kJson.size());
  RemovalMarker m;
  if (name.ends_with(kVolumesSuffix)) {
    m.volumes = true;
    name.remove_suffix(kVolumesSuffix.size());
  }
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), m.owner);
  if (ec != std::errc() || end != name.data() + name.size() || m.owner <= 0 || name[0] == '+')
    return std::nullopt;
  return m;
}

// The marker in a container directory, with its file name.
static std::optional<std::pair<std::string, RemovalMarker>> find_marker(const std::string &dir) {
  for (const auto &n : fs::list_dir(dir).value_or({}))
    if (auto m = parse_removal_marker(n))
      return std::pair{n, *m};
  return std::nullopt;
}

static bool owner_alive(pid_t pid) {
  // EPERM: alive, only not ours to signal.
  return pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH;
}

Status Store::begin_removal(const ContainerConfig &c, bool volumes) const {
  std::string dir = container_dir(c.id);
  std::string marker = dir + "/" + removal_marker_name({::getpid(), volumes});
  if (::rename((dir + "/config.json").c_str(), marker.c_str()) < 0) {
    if (errno == ENOENT)
      return make_error(Errc::not_found, "No such container: {}", c.name);
    return sys_error("removing container {}", c.name);
  }
  if (auto owner = id_for_name(c.name); owner && *owner == c.id)
    TRY_STATUS(release_name(c.name));
  return {};
}

Status Store::remove_anonymous_volumes(const ContainerConfig &c) const {
  for (const auto &m : c.mounts)
    if (m.type == "volume" && m.anonymous) {
      // A volume made with driver options is unmounted first (by the
      // teardown); one still mounted is kept rather than emptied through
      // its mount (a bind's host directory).
      if (sys::is_mount_point(volume_dir(m.source) + "/_data").value_or(false))
        return make_error(Errc::conflict, "volume {} is still mounted", m.source);
      TRY_STATUS(fs::remove_all(volume_dir(m.source)));
    }
  return {};
}

Status Store::release_names_of(const std::string &id) const {
  for (const auto &n : TRY(fs::list_dir(root_ + "/names")))
    if (id_for_name(n) == id)
      TRY_STATUS(release_name(n));
  return {};
}

Status Store::remove_container_files(const std::string &id) const {
  TRY_STATUS(fs::remove_all(container_run_dir(id)));
  std::string dir = container_dir(id);
  // Everything but the marker first: while it is there, a sweeper knows
  // whose removal this is.
  for (const auto &n : TRY(fs::list_dir(dir)))
    if (!parse_removal_marker(n))
      TRY_STATUS(fs::remove_all(dir + "/" + n));
  // A sweeper decides under this lock that a directory without a marker
  // is abandoned; the last steps are taken under it too.
  auto lock = TRY(lock_containers());
  return fs::remove_all(dir);
}

Result<std::vector<std::string>> Store::abandoned_removals() const {
  std::vector<std::string> out;
  for (const auto &id : TRY(container_ids())) {
    std::string dir = container_dir(id);
    if (fs::exists(dir + "/config.json"))
      continue;
    auto m = find_marker(dir);
    if (!m || !owner_alive(m->second.owner))
      out.push_back(id);
  }
  return out;
}

Result<std::vector<AbandonedRemoval>> Store::claim_abandoned_removals() const {
  std::vector<AbandonedRemoval> out;
  for (const auto &id : TRY(abandoned_removals())) {
    std::string dir = container_dir(id);
    AbandonedRemoval r{id, std::nullopt, false};
    auto m = find_marker(dir);
    if (m)
      r.volumes = m->second.volumes;
    std::string mine = dir + "/" + removal_marker_name({::getpid(), r.volumes});
    if (m) {
      if (::rename((dir + "/" + m->first).c_str(), mine.c_str()) < 0)
        continue;  // gone meanwhile
      // The marker is the renamed config.json; damaged, the names are
      // released by ID instead.
      if (auto text = fs::read_file(mine))
        if (auto c = ContainerConfig::parse(*text, mine))
          r.config = std::move(*c);
    } else {
      // A killed create (the lock held, none is under way): an empty
      // marker, which needs no space, makes it ours.
      UniqueFd fd(::open(mine.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (!fd && errno == ENOENT)
        continue;  // removed meanwhile
      if (!fd)
        return sys_error("taking over the removal of {}", dir);
    }
    // Names are only changed under the containers lock, held here.
    if (r.config && id_for_name(r.config->name) == id)
      TRY_STATUS(release_name(r.config->name));
    else if (!r.config)
      TRY_STATUS(release_names_of(id));
    out.push_back(std::move(r));
  }
  return out;
}

Status Store::request_stop(const std::string &id) const {
  UniqueFd fd(::open((container_dir(id) + kStopRequest).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (!fd)
    return sys_error("recording the stop of container {}", id);
  return {};
}

bool Store::stop_requested(const std::string &id) const {
  return fs::exists(container_dir(id) + kStopRequest);
}

void Store::clear_stop_request(const std::string &id) const {
  ::unlink((container_dir(id) + kStopRequest).c_str());
}

} // namespace skiff::storage
