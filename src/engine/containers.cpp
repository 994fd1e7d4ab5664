// Container lifecycle over the store and the supervisor.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "skiff/engine/container_networks.hpp"
#include "skiff/engine/network_dns.hpp"
#include "container_records.hpp"
#include "entry_process.hpp"
#include "process_wait.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/runtime/caps.hpp"
#include "skiff/engine/launch_plan.hpp"
#include "skiff/runtime/cgroups.hpp"
#include "skiff/runtime/devices.hpp"
#include "skiff/spec/merge.hpp"
#include "skiff/spec/parse.hpp"
#include "skiff/supervisor/supervisor.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/parallel.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "teardown.hpp"
#include "volume_mounts.hpp"

namespace skiff::engine {

using storage::ContainerState;
using storage::RunStatus;

Result<std::string> Engine::find_container(std::string_view text) {
  finish_removals();
  std::string t(text);
  if (!t.empty() && t[0] == '/')
    t.erase(0, 1);
  if (auto id = store_.id_for_name(t); id && fs::exists(store_.container_dir(*id) + "/config.json"))
    return *id;
  if (is_hex(t)) {
    if (t.size() == 64 && fs::exists(store_.container_dir(t) + "/config.json"))
      return t;
    std::string found;
    for (const auto &id : TRY(store_.container_ids()))
      if (id.rfind(t, 0) == 0 && fs::exists(store_.container_dir(id) + "/config.json")) {
        if (!found.empty())
          return make_error(Errc::invalid, "container ID prefix \"{}\" is ambiguous", text);
        found = id;
      }
    if (!found.empty())
      return found;
  }
  return make_error(Errc::not_found, "No such container: {}", text);
}

void Engine::repair_state(const std::string &id, ContainerState &st) {
  bool active = st.status == RunStatus::running || st.status == RunStatus::restarting;
  if (!active || sys::process_alive(st.supervisor_pid, st.supervisor_start))
    return;
  // The supervisor is gone (kill -9, reboot): so is the container, since
  // its init dies with the supervisor.
  auto lock = store_.lock_container(id);
  auto fresh = store_.read_state(id);
  if (!fresh || !(fresh->status == RunStatus::running || fresh->status == RunStatus::restarting) ||
      sys::process_alive(fresh->supervisor_pid, fresh->supervisor_start)) {
    if (fresh)
      st = *fresh;
    return;
  }
  st = *fresh;
  (void)tear_down(store_, id, {});
  st.status = RunStatus::exited;
  st.exit_code = 255;
  st.error = "the container's supervisor exited unexpectedly";
  st.pid = 0;
  st.ports.clear();  // its forwarder died with it (PR_SET_PDEATHSIG)
  st.finished_at = timefmt::now_ns();
  (void)store_.write_state(id, st);
}

// The image a container was made from: its record, or once `rmi -f`
// deleted it, what the container kept of it (no names, as Docker's ps
// then shows the image ID).
static ImageRecord image_of(const storage::ContainerConfig &c, const std::vector<ImageRecord> &images) {
  for (const auto &img : images)
    if (img.id == c.image_id)
      return img;
  ImageRecord kept;
  if (!c.image_layers.empty()) {
    kept.id = c.image_id;
    kept.layers = c.image_layers;
    kept.size = c.image_size;
  }
  return kept;
}

Result<ContainerView> Engine::container(const std::string &id) {
  auto rec = TRY(store_.read_container(id));
  ContainerView v{rec.config, rec.state, {}};
  repair_state(id, v.state);
  if (auto images = store_.images())
    v.image = image_of(v.config, *images);
  return v;
}

Result<std::vector<ContainerView>> Engine::containers() {
  finish_removals();
  std::vector<ContainerView> out;
  auto images = TRY(store_.images());
  auto ids = TRY(store_.container_ids());
  // Reading and parsing the records is most of `ps -a`: on two threads
  // once there are enough of them to pay for the second.
  std::vector<std::optional<Result<storage::ContainerRecord>>> recs(ids.size());
  std::atomic<bool> stop{false};
  TRY_STATUS(run_parallel(ids.size(), ids.size() >= 64 ? 2 : 1, stop, [&](size_t i) -> Status {
    recs[i] = store_.read_container(ids[i]);
    return {};
  }));
  for (size_t i = 0; i < ids.size(); i++) {
    auto &rec = *recs[i];
    if (!rec && rec.error().code == Errc::not_found)
      continue;  // removed meanwhile, or debris of a crash
    if (!rec)
      return std::move(rec).error();
    ContainerView v{std::move(rec->config), rec->state, {}};
    repair_state(ids[i], v.state);
    v.image = image_of(v.config, images);
    out.push_back(std::move(v));
  }
  return out;
}

static bool valid_name(const std::string &n) {
  if (n.empty() || !std::isalnum(static_cast<unsigned char>(n[0])))
    return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// What the merge cannot know: whether this host knows the capabilities,
// has the devices and the cgroup controllers the container asks for.
static Status check_host(const storage::ContainerConfig &c) {
  for (const auto &[list, field] : {std::pair{&c.cap_add, "CapAdd"}, std::pair{&c.cap_drop, "CapDrop"}})
    for (const auto &cap : *list)
      if (str::lower(cap) != "all")
        if (auto n = runtime::normalize_cap(cap); !n)
          return std::move(n).error().wrap(fmt::format("invalid {}", field));
  for (const auto &r : c.device_cgroup_rules)
    if (!runtime::parse_device_rule(r))
      return spec::flag_invalid("--device-cgroup-rule", r, fmt::format("invalid device cgroup format '{}'", r));
  TRY_STATUS(runtime::Cgroup::check({c.limits.memory, c.limits.memory_swap, c.limits.cpus, c.limits.pids}));
  // stop would fail on it later.
  if (!c.stop_signal.empty())
    TRY(parse_signal(c.stop_signal));
  // Devices are looked up again at each start; a missing one is refused now.
  for (const auto &d : c.devices)
    TRY(runtime::devices_from_path(d.path_on_host, d.path_in_container));
  return {};
}

Result<std::string> Engine::create_container(const spec::CreateOptions &o, const storage::ImageRecord &img,
                                             bool replace) {
  auto image = TRY(image_config(img));
  auto c = TRY(spec::container_config(o, image, img.id));
  TRY_STATUS(check_host(c));
  if (c.network.rfind("container:", 0) == 0)
    c.network = "container:" + TRY(find_container(c.network.substr(10)));
  // --link NAME[:ALIAS]: kept as "<id>:<alias>" (the alias defaults to the name).
  for (auto &l : c.links) {
    auto kv = str::cut(l, ':');
    std::string name(kv ? kv->first : l), alias(kv ? kv->second : l);
    if (!name.empty() && name[0] == '/')
      name.erase(0, 1);
    l = TRY(find_container(name)) + ":" + alias;
  }
  TRY_STATUS(resolve_networks(store_, opts_.rootless, c));
  c.storage_driver = store_.driver();
  if (c.userns == "keep-id") {
    if (!opts_.rootless)
      return make_error(Errc::invalid, "--userns=keep-id is for rootless containers: as root there is no remapping to keep");
    c.keep_id_uid = opts_.uid;
    c.keep_id_gid = opts_.gid;
    if (c.user.empty())
      c.user = fmt::format("{}:{}", opts_.uid, opts_.gid);
  }
  c.id = ids::random_id();
  c.created = timefmt::now_ns();
  if (c.hostname.empty())
    c.hostname = c.id.substr(0, 12);
  if (!c.name.empty() && !valid_name(c.name))
    return make_error(Errc::invalid, "Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                      c.name);
  // Docker checks a --mount bind's source when the container is created
  // (moby volume/mounts linux_parser.go); a -v one is made at start.
  for (const auto &m : c.mounts)
    if (m.type == "bind" && !m.create_source && !fs::exists(m.source))
      return make_error(Errc::invalid,
                        "invalid mount config for type \"bind\": bind source path does not exist: {}",
                        m.source);
  finish_removals();
  auto lock = TRY(store_.lock_containers());
  if (!c.name.empty()) {
    if (auto other = store_.id_for_name(c.name);
        other && fs::exists(store_.container_dir(*other) + "/config.json")) {
      if (!replace)
        return storage::Store::name_in_use(c.name, *other);
      lock.release();
      TRY_STATUS(remove_container(*other, true, false));
      lock = TRY(store_.lock_containers());
    }
    TRY_STATUS(store_.claim_name(c.name, c.id));
  } else {
    for (int i = 0;; i++) {
      c.name = ids::random_name();
      if (i > 5)
        c.name += std::to_string(i);
      auto claimed = store_.claim_name(c.name, c.id);
      if (claimed)
        break;
      if (claimed.error().code != Errc::exists)  // a full disk, say: no name will do
        return std::move(claimed).error();
    }
  }
  auto undo = [&](Error e) -> Result<std::string> {
    (void)store_.release_name(c.name);
    (void)fs::remove_all(store_.container_dir(c.id));
    return e;
  };
  if (auto s = fs::mkdir_p(store_.container_dir(c.id), 0700); !s)
    return undo(std::move(s).error());
  for (auto &m : c.mounts) {
    if (m.type != "volume")
      continue;
    if (m.source.empty()) {
      m.source = ids::random_id();
      m.anonymous = true;
    }
    if (!fs::exists(store_.volume_dir(m.source) + "/volume.json"))
      if (auto v = create_volume(m.source, {}, m.volume_driver, m.volume_options); !v)
        return undo(std::move(v).error());
  }
  if (auto s = store_.prepare_root(c, img); !s)
    return undo(std::move(s).error());
  if (auto s = store_.write_state(c.id, ContainerState{}); !s)
    return undo(std::move(s).error());
  if (auto s = store_.write_config(c); !s)
    return undo(std::move(s).error());
  return c.id;
}

// What the store and the host hold that a container's plan depends on.
static LaunchInputs launch_inputs(const storage::Store &store, const ContainerView &v) {
  LaunchInputs in;
  in.config = v.config;
  for (const auto &l : v.image.layers)
    in.layers.push_back(store.layer_dir(l) + "/diff");
  for (const auto &m : v.config.mounts)
    if (m.type == "volume") {
      in.volume_dirs.emplace_back(m.source, store.volume_dir(m.source) + "/_data");
      auto mount = volume_mount(recorded_volume_options(store, m.source));
      if (mount && *mount) {
        in.volume_mounts[m.source] = **mount;
        if (!keeps_content_unmounted((*mount)->type))
          in.unfilled_volumes.insert(m.source);
      }
    }
  in.container_dir = store.container_dir(v.config.id);
  in.network_records = network_records_dir(store);
  in.log_path = store.container_log_path(v.config.id);
  in.run_dir = store.container_run_dir(v.config.id);
  in.driver = store.driver_of(v.config);
  in.root_copy = store.root_copy_dir(v.config.id);
  in.seccomp_cache = store.root() + "/cache/seccomp";
  auto &h = in.host;
  if (v.config.network == "host") {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    h.hostname = name;
    h.hosts = fs::read_file("/etc/hosts").value_or("");
  }
  if (v.config.network != "none")
    h.resolv_conf = fs::read_file("/etc/resolv.conf").value_or("");
  h.in_user_namespace = sys::in_user_namespace();
  h.rootless = ::geteuid() != 0 || h.in_user_namespace;
  h.cgroup_mounts = runtime::container_cgroup_mounts(h.rootless);
  // One namespace per store: its networks' subnets are chosen apart from
  // each other, not from another store's.
  if (h.rootless)
    in.user_netns_dir = user_netns_dir(store);
  if (!in.volume_mounts.empty())
    in.volume_place = volume_mount_place();
  return in;
}

// --link: the linked container's address on a network both are on, in
// /etc/hosts under its alias and short ID (Docker's legacy links).
static Status add_link_hosts(const storage::Store &store, LaunchInputs &in) {
  if (!in.config.links.empty() && in.endpoints.empty())
    return make_error(Errc::invalid,
                      "--link needs a bridge network that {} shares with the linked container (rootless, the "
                      "default network is each container's own)",
                      in.config.name);
  for (const auto &l : in.config.links) {
    auto [id, alias] = *str::cut(l, ':');
    std::string sid(id);
    auto st = store.read_state(sid);
    auto other = st && st->status == RunStatus::running ? linked_address(store, sid, in.endpoints) : "";
    if (other.empty())
      return make_error(Errc::conflict, "Cannot link to a non running container: {} AS /{}/{}", sid.substr(0, 12),
                        in.config.name, alias);
    for (const auto &n : {std::string(alias), sid.substr(0, 12)})
      in.config.extra_hosts.push_back(n + ":" + other);
  }
  return {};
}

// What this start needs before its plan: the namespace a container:
// mode joins, the addresses on its bridge networks (and their DNS
// servers), the hosts lines of its links.
static Result<supervisor::LaunchPlan> plan_start(const storage::Store &store, const ContainerConfig &c,
                                                 LaunchInputs &in) {
  if (c.network.rfind("container:", 0) == 0) {
    std::string other = c.network.substr(10);
    auto st = store.read_state(other);
    if (!st || st->status != RunStatus::running || !sys::process_alive(st->pid, st->pid_start))
      return make_error(Errc::conflict, "cannot join network namespace of a non running container: {}", other);
    in.join_netns = fmt::format("/proc/{}/ns/net", st->pid);
    in.shared_files_dir = store.container_dir(other);
    in.config.hostname = str::trim(fs::read_file(in.shared_files_dir + "/hostname").value_or(c.hostname));
  }
  if (c.network == "bridge")
    in.endpoints = TRY(allocate_endpoints(store, c.id, c.name, endpoint_requests(c)));
  TRY_STATUS(start_network_dns_servers(store, in.endpoints, in.host.resolv_conf, in.user_netns_dir));
  TRY_STATUS(add_link_hosts(store, in));
  return plan_launch(in);
}

Result<pid_t> Engine::start_container(const std::string &id, int attach_fd) {
  auto starting = TRY(FileLock::acquire(store_.container_dir(id) + "/start.lock"));
  auto v = TRY(container(id));
  if (v.state.status == RunStatus::running)
    return v.state.pid;
  if (v.image.id.empty())
    return make_error(Errc::not_found, "the image of container \"{}\" was removed", v.config.name);
  auto inputs = launch_inputs(store_, v);
  auto plan = plan_start(store_, v.config, inputs);
  bool auto_remove = v.config.auto_remove;
  StoreRecords records(store_, std::move(v.config), inputs.volume_place);
  if (!plan) {
    // As the supervisor ends a start that fails: recorded, and an --rm
    // container forgotten.
    (void)release_endpoints(store_, id);
    supervisor::record_failed_start(records, plan.error(), 0);
    if (auto_remove && records.forget())
      records.tear_down(true);
    return std::move(plan).error();
  }
  return supervisor::start(*plan, records, attach_fd);
}

// After the container's process is gone, waits for its supervisor to
// record the exit so the next reader sees it.
static void wait_recorded(storage::Store &store, const std::string &id) {
  for (int i = 0; i < 400; i++) {
    auto st = store.read_state(id);
    if (!st || st->status != RunStatus::running ||
        !sys::process_alive(st->supervisor_pid, st->supervisor_start))
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Waits out a restart backoff that a stop interrupted: wakes the
// supervisor, which then sees the stop and ends; true if it started the
// container again meanwhile (then it is running and gets stopped).
static bool settle_restarting(Engine &e, const std::string &id) {
  for (int i = 0; i < 400; i++) {
    auto v = e.container(id);
    if (!v || v->state.status != RunStatus::restarting)
      return v && v->state.status == RunStatus::running;
    ::kill(v->state.supervisor_pid, SIGUSR1);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

Status Engine::stop_container(const std::string &id, std::optional<int> timeout) {
  auto v = TRY(container(id));
  TRY_STATUS(store_.request_stop(id));
  if (v.state.status == RunStatus::restarting && settle_restarting(*this, id))
    v = TRY(container(id));
  if (v.state.status != RunStatus::running)
    return {};
  int sig = SIGTERM;
  std::string name = v.config.stop_signal;
  if (name.empty())
    if (auto cfg = image_config(v.image))
      name = cfg->config.stop_signal;
  if (!name.empty())
    sig = TRY(parse_signal(name));
  int secs = timeout.value_or(v.config.stop_timeout);
  pid_t pid = v.state.pid;
  // The supervisor may have recorded a restart just before the stop was
  // marked: wait that backoff out too, so the stop returns on "exited".
  auto settle = [&] {
    wait_recorded(store_, id);
    if (auto now = container(id); now && now->state.status == RunStatus::restarting)
      settle_restarting(*this, id);
  };
  if (secs != 0 && ::kill(pid, sig) == 0 &&
      wait_gone(pid, v.state.pid_start, std::chrono::milliseconds(secs < 0 ? 3'600'000 : secs * 1000))) {
    settle();
    return {};
  }
  ::kill(pid, SIGKILL);
  wait_gone(pid, v.state.pid_start, std::chrono::milliseconds(10'000));
  settle();
  return {};
}

Status Engine::kill_container(const std::string &id, int sig) {
  auto v = TRY(container(id));
  if (v.state.status != RunStatus::running)
    return not_running(v);
  TRY_STATUS(store_.request_stop(id));
  if (::kill(v.state.pid, sig) < 0)
    return sys_error("sending signal {} to container {}", sig, v.config.name);
  if (sig == SIGKILL) {
    wait_gone(v.state.pid, v.state.pid_start, std::chrono::milliseconds(10'000));
    wait_recorded(store_, id);
  }
  return {};
}

Status Engine::rename_container(const std::string &id, const std::string &new_name) {
  if (!valid_name(new_name))
    return make_error(Errc::invalid,
                      "Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", new_name);
  auto lock = TRY(store_.lock_containers());
  auto rec = TRY(store_.read_container(id));
  if (rec.config.name == new_name)
    return make_error(Errc::invalid, "Renaming a container with the same name as its current name");
  // moby daemon/rename.go words a taken name so.
  if (auto s = store_.claim_name(new_name, id); !s) {
    Error e = s.error();
    e.message = "Error when allocating new name: " + e.message;
    return e;
  }
  std::string old = rec.config.name;
  rec.config.name = new_name;
  if (auto s = store_.write_config(rec.config); !s) {
    (void)store_.release_name(new_name);
    return s;
  }
  return store_.release_name(old);
}

Result<int> Engine::wait_container(const std::string &id) {
  for (;;) {
    auto v = TRY(container(id));
    if (v.state.status != RunStatus::running && v.state.status != RunStatus::restarting)
      return v.state.exit_code;
    if (v.state.pid > 0)
      wait_gone(v.state.pid, v.state.pid_start, std::chrono::milliseconds(1000));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!fs::exists(store_.container_dir(id) + "/config.json"))
      return make_error(Errc::not_found, "container \"{}\" was removed", id);
  }
}

} // namespace skiff::engine
