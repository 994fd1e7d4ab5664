// What a build asks of the engine (build_steps.hpp).
#include "skiff/engine/build_steps.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>


#include <nlohmann/json.hpp>

#include "skiff/engine/attach.hpp"
#include "skiff/runtime/root_view.hpp"
#include "skiff/storage/layer_stream.hpp"
#include "skiff/storage/layer_tar.hpp"
#include "skiff/runtime/user.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/timefmt.hpp"
#include "image_records.hpp"
#include "mount_stubs.hpp"
#include "store_access.hpp"

namespace skiff::engine {

namespace {

// Marks a step's container with the build that runs it, so that one a
// killed build left can be told from one a live build uses.
constexpr std::string_view kStepLabel = "io.skiff.build.step";

int64_t layers_size(const storage::Store &store, const std::vector<std::string> &layers) {
  int64_t size = 0;
  for (const auto &l : layers)
    if (auto rec = store.read_layer(l))
      size += rec->size;
  return size;
}

Error canceled() { return make_error(Errc::cancelled, "failed to solve: Canceled: context canceled"); }

// Reads the step's attach socket to its exit frame: the exit code.
Result<int> stream_step(int fd, const StepOutput &out, int cancel_fd) {
  std::string buf;
  char chunk[65536];
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
    if (::poll(p, cancel_fd >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      return sys_error("waiting for a build step");
    }
    if (cancel_fd >= 0 && (p[1].revents & POLLIN))
      return canceled();
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("reading the output of a build step");
    if (n == 0)
      return make_error(Errc::failed, "the build step's supervisor closed its output without an exit code");
    buf.append(chunk, static_cast<size_t>(n));
    while (auto f = decode_frame(buf)) {
      if (f->type == AttachFrame::stdout_data || f->type == AttachFrame::stderr_data)
        out(f->type == AttachFrame::stderr_data, f->payload);
      else if (f->type == AttachFrame::exit)
        return std::atoi(f->payload.c_str());
    }
  }
}

// A created step container keeps its base's layers itself: the stage's
// image is in no index.
Status keep_base_layers(storage::Store &store, const std::string &id, const ImageRecord &base) {
  auto lock = TRY(store.lock_container(id));
  auto rec = TRY(store.read_container(id));
  rec.config.image_layers = base.layers;
  rec.config.image_size = base.size;
  return store.write_config(rec.config);
}

// The runtime's own mount points and files (BuildKit's runtime makes
// only those of resolv.conf and hosts), and the step's mounts.
void remove_step_stubs(const storage::Store &store, Engine &eng, const std::string &id,
                       const spec::CreateOptions &o, const ImageRecord &base) {
  auto v = eng.container(id);
  if (!v)
    return;
  std::vector<std::string> dests = {"/etc/resolv.conf", "/etc/hosts", "/etc/hostname", "/.dockerenv",
                                    "/run/.containerenv"};
  for (const auto &m : o.mounts)
    dests.push_back(m.destination);
  detail::remove_mount_stubs(store, v->config, base.layers, dests);
}

} // namespace

Result<ImageRecord> stage_image(Engine &eng, const image::ImageConfig &config,
                                const std::vector<std::string> &layers) {
  auto &store = store_of(eng);
  auto digest = TRY(store.put_blob(config.to_json().dump()));
  ImageRecord r;
  r.id = TRY(digest_hex(digest));
  r.layers = layers;
  r.size = layers_size(store, layers);
  r.created = timefmt::now_ns();
  return r;
}

bool cancelled(int cancel_fd) {
  pollfd p{cancel_fd, POLLIN, 0};
  return cancel_fd >= 0 && ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

Result<StepResult> run_step(Engine &eng, spec::CreateOptions o, const ImageRecord &base,
                            const StepOutput &out, const std::function<Status(const NewLayer &)> &keep,
                            int cancel_fd) {
  if (cancelled(cancel_fd))
    return canceled();
  auto &store = store_of(eng);
  o.labels[std::string(kStepLabel)] = sys::format_process_ref(sys::this_process());
  o.attach_stdout = o.attach_stderr = true;
  auto id = TRY(eng.create_container(o, base, false));
  auto result = [&]() -> Result<StepResult> {
    TRY_STATUS(keep_base_layers(store, id, base));
    int sp[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
      return sys_error("creating the build step's output socket");
    UniqueFd ours(sp[0]), theirs(sp[1]);
    TRY(eng.start_container(id, theirs.get()));
    theirs.reset();
    StepResult r;
    auto code = stream_step(ours.get(), out, cancel_fd);
    if (!code && code.error().code == Errc::cancelled)
      (void)eng.kill_container(id, SIGKILL);
    r.exit_code = TRY(std::move(code));
    // The exit is recorded once the container's root is let go.
    TRY(eng.wait_container(id));
    if (r.exit_code != 0)
      return r;
    remove_step_stubs(store, eng, id, o, base);
    auto adding = TRY(store.lock_layer_adds());
    r.layer = TRY(commit_layer(eng, id));
    TRY_STATUS(keep(r.layer));
    return r;
  }();
  auto removed = eng.remove_container(id, true, true);
  if (!result)
    return result;
  TRY_STATUS(removed);
  return result;
}

void remove_abandoned_steps(Engine &eng) {
  auto all = eng.containers();
  if (!all)
    return;
  for (const auto &v : *all) {
    auto it = v.config.labels.find(std::string(kStepLabel));
    if (it == v.config.labels.end())
      continue;
    auto ref = sys::parse_process_ref(it->second);
    if (ref && sys::process_alive(ref->pid, ref->start))
      continue;
    (void)eng.remove_container(v.config.id, true, true);
  }
}

Result<NewLayer> add_written_layer(Engine &eng, const std::string &parent,
                                   const std::function<Status(image::TarWriter &)> &write) {
  auto rec = TRY(storage::add_layer_stream(store_of(eng), parent, [&](const image::ByteSink &sink) -> Status {
    image::TarWriter w(sink);
    TRY_STATUS(write(w));
    return w.close();
  }));
  return NewLayer{rec.chain_id, rec.diff_id, rec.size, false};
}

Result<NewLayer> restack_layer(Engine &eng, const std::string &chain, const std::string &parent) {
  auto &store = store_of(eng);
  auto rec = TRY(store.read_layer(chain));
  if (std::string want = storage::chain_id(parent, rec.diff_id); store.has_layer(want))
    return NewLayer{want, rec.diff_id, rec.size, false};
  auto added = TRY(storage::add_layer_stream(store, parent, [&](const image::ByteSink &sink) {
    return storage::write_layer_tar(store, chain, sink);
  }));
  return NewLayer{added.chain_id, added.diff_id, added.size, false};
}

RootView::RootView(RootView &&o) noexcept : fd_(std::move(o.fd_)), scratch_(std::exchange(o.scratch_, {})) {}
RootView &RootView::operator=(RootView &&o) noexcept {
  if (this != &o) {
    this->~RootView();
    fd_ = std::move(o.fd_);
    scratch_ = std::exchange(o.scratch_, {});
  }
  return *this;
}
RootView::~RootView() {
  fd_.reset();
  if (!scratch_.empty())
    (void)fs::remove_all(scratch_);
  scratch_.clear();
}

Result<RootView> RootView::open(Engine &eng, const std::vector<std::string> &layers) {
  auto &store = store_of(eng);
  RootView v;
  v.scratch_ = TRY(store.scratch_dir());
  TRY_STATUS(fs::mkdir_p(v.scratch_ + "/root", 0700));
  TRY_STATUS(fs::mkdir_p(v.scratch_ + "/empty", 0755));
  if (layers.empty()) {  // scratch: an empty root
    v.fd_ = UniqueFd(::open((v.scratch_ + "/empty").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!v.fd_)
      return sys_error("opening an empty root");
    return v;
  }
  std::vector<std::string> dirs;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it)
    dirs.push_back(store.layer_dir(*it) + "/diff");
  // overlayfs wants two lower dirs; an empty one at the bottom changes nothing.
  dirs.push_back(v.scratch_ + "/empty");
  v.fd_ = TRY(runtime::open_layers_readonly(store.driver(), dirs, sys::in_user_namespace(), v.scratch_ + "/root"));
  return v;
}

Result<std::pair<uid_t, gid_t>> chown_ids(int root_fd, std::string_view spec) {
  auto read = [&](const char *path) {
    auto fd = fs::open_in_root(root_fd, path, O_RDONLY | O_CLOEXEC);
    if (!fd)
      return std::string();
    std::string text;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd->get(), buf, sizeof buf)) > 0)
      text.append(buf, static_cast<size_t>(n));
    return text;
  };
  auto colon = spec.find(':');
  std::string passwd = read("etc/passwd"), group = read("etc/group");
  auto user = runtime::resolve_user(spec.substr(0, colon), passwd, group);
  if (!user)
    return make_error(Errc::invalid, "unable to convert uid/gid chown string to host mapping: {}",
                      user.error().message);
  if (colon == std::string_view::npos)
    return std::pair<uid_t, gid_t>{user->uid, static_cast<gid_t>(user->uid)};
  auto both = runtime::resolve_user(spec, passwd, group);
  if (!both)
    return make_error(Errc::invalid, "unable to convert uid/gid chown string to host mapping: {}",
                      both.error().message);
  return std::pair<uid_t, gid_t>{user->uid, both->gid};
}

std::optional<BuildCacheEntry> find_cached_step(Engine &eng, const std::string &key) {
  auto &store = store_of(eng);
  auto e = storage::read_build_cache(store, key);
  if (!e)
    return std::nullopt;
  for (const auto &l : e->layers)
    if (!store.has_layer(l))
      return std::nullopt;
  // When it was last used, for `builder prune --filter until=`: a cache,
  // so a failed write costs nothing.
  e->last_used = timefmt::now_ns();
  (void)storage::write_build_cache(store, *e);
  return e;
}

Status record_cached_step(Engine &eng, const BuildCacheEntry &e) { return storage::write_build_cache(store_of(eng), e); }

Result<std::string> record_image(Engine &eng, const image::ImageConfig &config,
                                 const std::vector<std::string> &layers,
                                 const std::vector<std::string> &names) {
  auto &store = store_of(eng);
  auto digest = TRY(store.put_blob(config.to_json().dump()));
  std::string id = TRY(digest_hex(digest));
  NewImage img{id, layers, layers_size(store, layers), timefmt::now_ns(), names};
  TRY_STATUS(store.update_images([&](std::vector<ImageRecord> &list) -> Status {
    add_image(list, img);
    return {};
  }));
  return id;
}

} // namespace skiff::engine
