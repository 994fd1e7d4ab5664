// RUN --mount carried out (run_mounts.hpp), as BuildKit's
// dispatchRunMounts and its mount manager do: binds are copy-on-write
// views (here a private copy, so writes with rw are discarded and the
// context's .dockerignore holds), caches persist in the store, secrets
// live in a private file or variable for the step alone.
#include "run_mounts.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <set>

#include <nlohmann/json.hpp>

#include "copy_source.hpp"
#include "skiff/build/copy.hpp"
#include "skiff/dockerfile/run_mount.hpp"
#include "skiff/engine/build_mounts.hpp"
#include "skiff/util/csv.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

using dockerfile::MountType;
using dockerfile::RunMount;

namespace {

Status write_contents(int from, int to, const std::string &what) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("reading {}", what);
    if (n == 0)
      return {};
    TRY_STATUS(fs::write_all(to, {buf, static_cast<size_t>(n)}, what));
  }
}

// Copies the source at `path` in `root_fd` (the context's .dockerignore
// applied when given) to `dst`, modes and times kept, owners too when
// `keep_owners` (a stage's files; the context's are root's).
Status copy_source(int root_fd, const std::string &path, const dockerfile::IgnoreRules *ignore,
                   bool keep_owners, const std::string &dst) {
  std::vector<std::pair<std::string, struct timespec>> dir_times;
  auto copied = walk_source(root_fd, path, SourceFilter{ignore, nullptr, nullptr}, [&](const SourceEntry &e) -> Status {
    std::string to = e.rel.empty() ? dst : dst + "/" + e.rel;
    const struct stat &st = e.st;
    mode_t perm = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      if (::mkdir(to.c_str(), 0700) < 0)
        return sys_error("copying /{}", path + "/" + e.rel);
      dir_times.emplace_back(to, st.st_mtim);
    } else if (S_ISREG(st.st_mode)) {
      UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (!out)
        return sys_error("copying /{}", path + "/" + e.rel);
      TRY_STATUS(write_contents(e.fd, out.get(), to));
    } else if (S_ISLNK(st.st_mode)) {
      if (::symlink(e.link.c_str(), to.c_str()) < 0)
        return sys_error("copying /{}", path + "/" + e.rel);
    } else if (::mknod(to.c_str(), st.st_mode, st.st_rdev) < 0) {
      return sys_error("copying /{}", path + "/" + e.rel);
    }
    if (keep_owners && ::lchown(to.c_str(), st.st_uid, st.st_gid) < 0)
      return sys_error("copying /{}", path + "/" + e.rel);
    if (!S_ISLNK(st.st_mode) && ::chmod(to.c_str(), perm) < 0)
      return sys_error("copying /{}", path + "/" + e.rel);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    (void)::utimensat(AT_FDCWD, to.c_str(), times, AT_SYMLINK_NOFOLLOW);
    return {};
  });
  TRY_STATUS(copied);
  // Directories last, children first: what was made in them changed them.
  for (auto it = dir_times.rbegin(); it != dir_times.rend(); ++it) {
    struct timespec times[2] = {it->second, it->second};
    (void)::utimensat(AT_FDCWD, it->first.c_str(), times, 0);
  }
  return {};
}

// A path in a source, relative to its root ("" for the root), as
// BuildKit's path.Join("/", source) cleans it.
std::string source_path(const std::string &source) { return fs::clean_path("/" + source).substr(1); }

engine::CacheSharing sharing_of(const RunMount &m) {
  switch (m.sharing.value_or(dockerfile::MountSharing::shared)) {
  case dockerfile::MountSharing::private_:
    return engine::CacheSharing::private_;
  case dockerfile::MountSharing::locked:
    return engine::CacheSharing::locked;
  case dockerfile::MountSharing::shared:
    break;
  }
  return engine::CacheSharing::shared;
}

Error ssh_refused() {
  return make_error(Errc::invalid, "RUN --mount=type=ssh is not supported: skiff build forwards no SSH agent");
}

} // namespace

struct RunMounts::State {
  engine::Engine &eng;
  const BuildRequest &req;
  const dockerfile::IgnoreRules &ignore;
  struct Planned {
    RunMount m;
    std::string target;      // absolute
    MountSource from;        // when m.from is set
    std::string secret_id;   // secret
  };
  std::vector<Planned> mounts;
  std::string key;
  // What the attached mounts use, released with this.
  std::vector<engine::RootView> views;
  std::vector<engine::HeldCacheMount> caches;
  std::optional<engine::StepScratch> scratch, secrets;
};

RunMounts::RunMounts(std::unique_ptr<State> s) : s_(std::move(s)) {}
RunMounts::RunMounts(RunMounts &&) noexcept = default;
RunMounts &RunMounts::operator=(RunMounts &&) noexcept = default;
RunMounts::~RunMounts() = default;
const std::string &RunMounts::key() const { return s_->key; }

Result<RunMounts> RunMounts::prepare(const std::vector<std::string> &values, const RunMountsInput &in) {
  auto s = std::make_unique<State>(State{in.eng, in.req, in.ignore, {}, {}, {}, {}, {}, {}});
  auto expand = [&](const std::string &w) { return dockerfile::expand_word(w, in.env, in.escape); };
  nlohmann::json key = nlohmann::json::array();
  for (const auto &v : values) {
    State::Planned p;
    p.m = TRY(dockerfile::parse_run_mount(v, expand));
    const RunMount &m = p.m;
    if (m.type == MountType::ssh)
      return ssh_refused();
    nlohmann::json k{{"type", dockerfile::mount_type_name(m.type)}, {"readonly", m.readonly}};
    if (m.mode)
      k["mode"] = *m.mode;
    if (m.uid)
      k["uid"] = *m.uid;
    if (m.gid)
      k["gid"] = *m.gid;
    if (m.type == MountType::secret) {
      auto place = TRY(dockerfile::secret_place(m));
      p.secret_id = place.id;
      if (place.target)
        p.target = TRY(dockerfile::mount_target(*place.target, in.workdir));
      k["id"] = place.id;
      k["target"] = p.target;
      k["env"] = m.env.value_or("");
      k["required"] = m.required;
      key.push_back(k);
      s->mounts.push_back(std::move(p));
      continue;
    }
    p.target = TRY(dockerfile::mount_target(m.target, in.workdir));
    k["target"] = p.target;
    k["source"] = source_path(m.source);
    if (!m.from.empty()) {
      p.from = TRY(in.resolve_from(m.from));
      k["from"] = p.from.id;
    }
    if (m.type == MountType::cache) {
      k["id"] = dockerfile::cache_id(m);
      k["sharing"] = dockerfile::mount_sharing_name(m.sharing.value_or(dockerfile::MountSharing::shared));
    }
    if (m.type == MountType::tmpfs)
      k["size"] = m.size;
    // A bind of the context: its content is the key (BuildKit's content
    // checksum of the selected path).
    if (m.type == MountType::bind && m.from.empty()) {
      if (in.req.context_dir.empty())
        return make_error(Errc::invalid, "RUN --mount of the build context needs a build context, and this build has none");
      UniqueFd ctx(::open(in.req.context_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!ctx)
        return sys_error("opening the build context {}", in.req.context_dir);
      CopyRequest cr;
      cr.source_root_fd = ctx.get();
      cr.ignore = &in.ignore;
      cr.sources.push_back(m.source);
      if (source_path(m.source).empty())
        cr.sources.back() = ".";
      cr.dest = "/";
      k["content"] = TRY(sources_digest(cr));
    }
    key.push_back(k);
    s->mounts.push_back(std::move(p));
  }
  s->key = values.empty() ? "" : key.dump();
  return RunMounts(std::move(s));
}

Status RunMounts::attach(spec::CreateOptions &o) {
  auto &st = *s_;
  auto scratch = [&]() -> Result<std::string> {
    if (!st.scratch)
      st.scratch.emplace(TRY(engine::StepScratch::make(st.eng, false)));
    return st.scratch->path();
  };
  int n = 0;
  for (const auto &p : st.mounts) {
    const RunMount &m = p.m;
    std::string src = source_path(m.source);
    n++;
    if (m.type == MountType::tmpfs) {
      // BuildKit's tmpfs is nosuid alone: exec and dev stay.
      o.mounts.push_back({.type = "tmpfs", .destination = p.target, .options = {"exec", "dev"}});
      if (m.size > 0)
        o.mounts.back().options.push_back(fmt::format("size={}", m.size));
      continue;
    }
    if (m.type == MountType::secret) {
      const SecretSource *source = find_secret(st.req.secrets, p.secret_id);
      if (!source) {
        if (m.required)
          return make_error(Errc::not_found, "failed to solve: secret {}: not found", p.secret_id);
        continue;
      }
      std::string content = TRY(read_secret(*source));
      if (m.env)
        o.env.push_back(*m.env + "=" + content);
      if (p.target.empty())
        continue;
      if (!st.secrets)
        st.secrets.emplace(TRY(engine::StepScratch::make(st.eng, true)));
      std::string file = fmt::format("{}/{}", st.secrets->path(), n);
      UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (!fd)
        return sys_error("writing the secret {} for the step", p.secret_id);
      TRY_STATUS(fs::write_all(fd.get(), content, file));
      if (::fchown(fd.get(), m.uid.value_or(0), m.gid.value_or(0)) < 0 ||
          ::fchmod(fd.get(), m.mode.value_or(0400) & 0777) < 0)
        return sys_error("setting the owner and mode of the secret {}", p.secret_id);
      o.mounts.push_back({.type = "bind", .source = file, .destination = p.target, .readonly = true});
      continue;
    }
    if (m.type == MountType::cache) {
      engine::CacheMountRequest r;
      r.id = dockerfile::cache_id(m);
      r.sharing = sharing_of(m);
      r.uid = m.uid.value_or(0);
      r.gid = m.gid.value_or(0);
      r.mode = m.mode.value_or(0755) & 07777;
      r.variant = fmt::format("{}\n{}\n{}:{}:{:o}", p.from.id, m.from.empty() ? "" : src, r.uid, r.gid, r.mode);
      if (!m.from.empty())
        r.seed = [&](int dir_fd) -> Status {
          auto view = TRY(engine::RootView::open(st.eng, p.from.layers));
          std::string into = fmt::format("/proc/self/fd/{}/seed", dir_fd);
          TRY_STATUS(copy_source(view.fd(), src, nullptr, true, into));
          // The seed's contents are the cache's: moved up into its root.
          UniqueFd seed(::open(into.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
          if (!seed)
            return sys_error("seeding the cache mount {}", r.id);
          for (const auto &name : TRY(fs::list_dir(into)))
            if (::renameat(seed.get(), name.c_str(), dir_fd, name.c_str()) < 0)
              return sys_error("seeding the cache mount {}", r.id);
          return fs::remove_all(into);
        };
      st.caches.push_back(TRY(engine::hold_cache_mount(st.eng, r)));
      std::string dir = st.caches.back().path();
      if (m.from.empty() && !src.empty()) {
        UniqueFd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        TRY(fs::mkdir_in_root(root.get(), src));
        dir += "/" + src;
      }
      o.mounts.push_back({.type = "bind", .source = dir, .destination = p.target, .readonly = m.readonly});
      continue;
    }
    // bind: a private copy of the source, of the context or a stage.
    std::string copy = fmt::format("{}/{}", TRY(scratch()), n);
    if (m.from.empty()) {
      UniqueFd ctx(::open(st.req.context_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!ctx)
        return sys_error("opening the build context {}", st.req.context_dir);
      TRY_STATUS(copy_source(ctx.get(), src, &st.ignore, false, copy));
    } else {
      st.views.push_back(TRY(engine::RootView::open(st.eng, p.from.layers)));
      TRY_STATUS(copy_source(st.views.back().fd(), src, nullptr, true, copy));
    }
    o.mounts.push_back({.type = "bind", .source = copy, .destination = p.target, .readonly = m.readonly});
  }
  return {};
}

Status check_run_mounts(const dockerfile::Dockerfile &df, const std::vector<size_t> &stages,
                        const std::string &file_name) {
  for (size_t i : stages)
    for (const auto &cmd : df.stages[i].commands) {
      auto *r = std::get_if<dockerfile::RunCmd>(&cmd.body);
      if (!r)
        continue;
      for (const auto &v : r->mounts) {
        auto located = [&](const Error &e) {
          return make_error(e.code, "{}:{}: {}: {}", file_name, cmd.line, cmd.original, e.message);
        };
        if (auto s = dockerfile::check_run_mount(v); !s)
          return located(s.error());
        auto fields = str::csv_fields(v);
        if (fields)
          for (const auto &f : *fields)
            if (str::lower(f) == "type=ssh")
              return located(ssh_refused());
      }
    }
  return {};
}

} // namespace skiff::build
