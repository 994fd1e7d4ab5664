// The builder (build.hpp): the stages the target needs, built in order
// of need, each instruction looked up in the cache by its key and carried
// out over the engine when it is not there.
#include "skiff/build/build.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "skiff/build/copy.hpp"
#include "skiff/build/metadata.hpp"
#include "skiff/dockerfile/dockerfile.hpp"
#include "skiff/dockerfile/expand.hpp"
#include "skiff/dockerfile/ignore.hpp"
#include "skiff/engine/build_inputs.hpp"
#include "skiff/engine/build_steps.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "add_url.hpp"
#include "context_archive.hpp"
#include "keys.hpp"
#include "onbuild.hpp"
#include "output.hpp"
#include "run_mounts.hpp"
#include "skiff/build/workdir.hpp"

namespace skiff::build {

namespace {

using dockerfile::Command;

// A file of this process's own, removed with it.
struct TempFile {
  std::string path;
  Status write(std::string_view content, mode_t mode) {
    const char *dir = std::getenv("TMPDIR");
    std::string tmpl = fmt::format("{}/skiff-build-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
      return sys_error("creating a file for a RUN script");
    UniqueFd owned(fd);
    path = tmpl;
    TRY_STATUS(fs::write_all(fd, content, path));
    if (::fchmod(fd, mode) < 0)
      return sys_error("making {} executable", path);
    return {};
  }
  ~TempFile() {
    if (!path.empty())
      ::unlink(path.c_str());
  }
};

// The args BuildKit passes to RUN without an ARG line when given.
const std::set<std::string> kProxyArgs = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
                                          "ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy"};

// The args BuildKit defines in the global scope for every build.
const std::set<std::string> kPlatformArgs = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
                                             "BUILDPLATFORM",  "BUILDOS",  "BUILDARCH",  "BUILDVARIANT"};

struct StageResult {
  image::ImageConfig config;
  std::vector<std::string> layers;
  std::string key;
  int64_t time = 0;  // ns: the newest history entry's
};

// An instruction's history line as BuildKit writes it for steps that run.
std::string buildkit_history(std::string text) { return text + " # buildkit"; }

bool makes_vertex(const Command &c) {
  return c.keyword == "RUN" || c.keyword == "COPY" || c.keyword == "ADD" || c.keyword == "WORKDIR";
}

// A stage's steps as progress counts them: FROM and each that makes a vertex.
int stage_steps(const std::vector<Command> &commands) {
  int total = 1;
  for (const auto &c : commands)
    total += makes_vertex(c) ? 1 : 0;
  return total;
}

class Builder {
public:
  Builder(engine::Engine &eng, const BuildRequest &r, Progress &p, dockerfile::Dockerfile df,
          dockerfile::IgnoreRules ignore)
      : eng_(eng), req_(r), progress_(p), df_(std::move(df)), ignore_(std::move(ignore)) {}

  Status resolve_global_args() {
    std::string arch = image::host_architecture();
    host_platform_ = "linux/" + arch;
    for (auto prefix : {"TARGET", "BUILD"}) {
      global_[fmt::format("{}PLATFORM", prefix)] = "linux/" + arch;
      global_[fmt::format("{}OS", prefix)] = "linux";
      global_[fmt::format("{}ARCH", prefix)] = arch;
      global_[fmt::format("{}VARIANT", prefix)] = "";
    }
    for (const auto &a : df_.meta_args)
      for (const auto &d : a.args) {
        if (auto given = req_.build_args.find(d.key); given != req_.build_args.end())
          global_[d.key] = given->second;
        else if (d.value)
          global_[d.key] = TRY(dockerfile::expand_word(*d.value, lookup_in(global_), df_.escape));
        else if (!kPlatformArgs.count(d.key))
          global_.erase(d.key);  // the platform args stay defined, as BuildKit's
      }
    return {};
  }

  Result<size_t> target_stage() const {
    if (df_.stages.empty())
      return make_error(Errc::invalid, "{}: file with no instructions", req_.dockerfile_name);
    if (req_.target.empty())
      return df_.stages.size() - 1;
    for (size_t i = 0; i < df_.stages.size(); i++)
      if (df_.stages[i].name == str::lower(req_.target))
        return i;
    return make_error(Errc::not_found, "failed to solve: target stage \"{}\" could not be found", req_.target);
  }

  // The stage's result, built once: by the first thread that asks, which
  // first starts the stages it names on threads of their own, so that
  // independent stages build at the same time.
  Result<const StageResult *> stage(size_t i) {
    std::shared_future<Result<StageResult>> result;
    std::optional<std::promise<Result<StageResult>>> mine;
    {
      std::lock_guard l(mu_);
      if (auto it = stages_.find(i); it != stages_.end()) {
        result = it->second;
      } else {
        mine.emplace();
        result = stages_[i] = mine->get_future().share();
      }
    }
    if (mine) {
      for (size_t d : dependencies(i))
        start_stage(d);
      mine->set_value(build_stage(i));
    }
    const auto &r = result.get();
    if (!r)
      return r.error();
    return &*r;
  }

  // Waits for the stages started on threads of their own.
  void join() {
    for (;;) {
      std::thread t;
      {
        std::lock_guard l(mu_);
        if (threads_.empty())
          return;
        t = std::move(threads_.back());
        threads_.pop_back();
      }
      t.join();
    }
  }

  // Every RUN --mount the target needs checked before anything runs.
  Status check_mounts(size_t target) const {
    return check_run_mounts(df_, needed_stages(df_, target), req_.dockerfile_name);
  }

  Result<std::string> export_image(const StageResult &s) {
    progress_.begin("exporting to image");
    image::ImageConfig c = s.config;
    for (const auto &[k, v] : req_.labels)
      c.config.labels[k] = v;
    c.created = timefmt::rfc3339nano(s.time);
    auto adding = TRY(engine::lock_layer_adds(eng_));
    auto id = TRY(engine::record_image(eng_, c, s.layers, req_.tags));
    progress_.note(fmt::format("writing image sha256:{} done", id));
    for (const auto &t : req_.tags)
      progress_.note(fmt::format("naming to {} done", t));
    progress_.done();
    return id;
  }

private:
  static dockerfile::Lookup lookup_in(const std::map<std::string, std::string> &m) {
    return [&m](std::string_view name) -> std::optional<std::string> {
      if (auto it = m.find(std::string(name)); it != m.end())
        return it->second;
      return std::nullopt;
    };
  }

  void start_stage(size_t i) {
    std::lock_guard l(mu_);
    if (stages_.count(i))
      return;
    threads_.emplace_back([this, i] { (void)stage(i); });
  }

  // The stages stage `i` names, as far as the global args tell before it
  // runs (FROM, COPY --from, RUN --mount from=).
  std::vector<size_t> dependencies(size_t i) const {
    const auto &st = df_.stages[i];
    std::vector<std::string> names{st.base};
    for (const auto &c : st.commands) {
      if (auto *copy = std::get_if<dockerfile::CopyCmd>(&c.body); copy && !copy->from.empty())
        names.push_back(copy->from);
      if (auto *run = std::get_if<dockerfile::RunCmd>(&c.body))
        for (const auto &m : run->mounts)
          for (const auto &field : str::split(m, ','))
            if (field.starts_with("from="))
              names.push_back(field.substr(5));
    }
    std::vector<size_t> out;
    for (const auto &n : names) {
      auto x = dockerfile::expand_word(n, lookup_in(global_), df_.escape);
      if (!x)
        continue;
      if (auto d = stage_named(*x, i))
        out.push_back(*d);
      else if (auto num = str::to_int(*x); num && *num >= 0 && static_cast<size_t>(*num) < i)
        out.push_back(static_cast<size_t>(*num));
    }
    return out;
  }

  std::string stage_label(size_t i) const {
    const auto &st = df_.stages[i];
    return st.name.empty() ? fmt::format("stage-{}", i) : st.name;
  }

  // Where a stage's steps show: "[2/5]" alone, "[build 2/5]" in a file of several stages.
  std::string vertex(size_t stage, int step, int total, const std::string &text) const {
    if (df_.stages.size() == 1)
      return fmt::format("[{}/{}] {}", step, total, text);
    return fmt::format("[{} {}/{}] {}", stage_label(stage), step, total, text);
  }

  std::optional<size_t> stage_named(std::string_view name, size_t before) const {
    for (size_t i = 0; i < before; i++)
      if (!df_.stages[i].name.empty() && df_.stages[i].name == str::lower(name))
        return i;
    return std::nullopt;
  }

  // An image FROM or COPY --from names: found, or pulled as --pull says.
  Result<std::pair<engine::ImageRecord, std::string>> base_image(const std::string &name) {
    auto ref = image::parse_reference(name);
    std::string shown = ref ? ref->full() : name;
    // One lookup (or pull) of a name, whichever stage asks first.
    std::lock_guard pulling(images_mu_);
    if (auto it = images_.find(name); it != images_.end())
      return std::pair{it->second, shown};
    progress_.begin(fmt::format("[internal] load metadata for {}", shown));
    engine::ImageRequest ir{name, req_.pull, req_.access};
    auto img = engine::image_for_container(eng_, ir, [&](const engine::ProgressEvent &e) {
      if (e.id.empty())
        progress_.note(e.status);
    });
    if (!img) {
      progress_.error(img.error().message);
      return std::move(img).error();
    }
    progress_.done();
    images_[name] = *img;
    return std::pair{*img, shown};
  }

  // The stage's variables as instructions expand them: ENV over ARG.
  dockerfile::Lookup stage_lookup(const image::ImageConfig &c, const std::map<std::string, std::string> &args) const {
    return [&c, &args](std::string_view name) -> std::optional<std::string> {
      for (auto it = c.config.env.rbegin(); it != c.config.env.rend(); ++it)
        if (it->size() > name.size() && it->starts_with(name) && (*it)[name.size()] == '=')
          return it->substr(name.size() + 1);
      if (auto a = args.find(std::string(name)); a != args.end())
        return a->second;
      return std::nullopt;
    };
  }

  Result<StageResult> build_stage(size_t index) {
    const auto &st = df_.stages[index];
    auto commands = st.commands;
    int step = 1;
    StageResult s;
    auto base = TRY(dockerfile::expand_word(st.base, lookup_in(global_), df_.escape));
    // FROM --platform=$BUILDPLATFORM (or $TARGETPLATFORM) is this machine:
    // the only platform skiff builds for.
    if (!st.platform.empty()) {
      auto platform = TRY(dockerfile::expand_word(st.platform, lookup_in(global_), df_.escape));
      if (platform != host_platform_ && platform != "linux")
        return make_error(Errc::invalid, "{}:{}: this skiff builds for {} only, not {}", req_.dockerfile_name,
                          st.line, host_platform_, platform);
    }
    if (auto parent = stage_named(base, index)) {
      s = *TRY(stage(*parent));
    } else if (str::lower(base) == "scratch") {
      s.config.architecture = image::host_architecture();
      s.config.os = "linux";
      s.key = cache_key({"FROM scratch"});
    } else {
      auto [img, shown] = TRY(base_image(base));
      s.config = TRY(eng_.image_config(img));
      auto triggers = take_onbuild_triggers(s.config);
      if (!triggers)
        return make_error(triggers.error().code, "{}:{}: {}: {}", req_.dockerfile_name, st.line, st.original,
                          triggers.error().message);
      commands.insert(commands.begin(), triggers->begin(), triggers->end());
      progress_.begin(vertex(index, step, stage_steps(commands), "FROM " + shown));
      s.layers = img.layers;
      s.key = cache_key({"FROM", img.id});
      s.time = timefmt::parse_rfc3339(s.config.created).value_or(0);
      progress_.done();
    }
    int total = stage_steps(commands);
    std::map<std::string, std::string> args;
    bool cmd_set = false;
    for (const auto &cmd : commands) {
      if (engine::cancelled(req_.cancel_fd))
        return make_error(Errc::cancelled, "failed to solve: Canceled: context canceled");
      if (makes_vertex(cmd))
        step++;
      auto env = stage_lookup(s.config, args);
      if (auto *a = std::get_if<dockerfile::ArgCmd>(&cmd.body)) {
        for (const auto &d : a->args) {
          std::optional<std::string> value;
          if (auto given = req_.build_args.find(d.key); given != req_.build_args.end())
            value = given->second;
          else if (d.value)
            value = TRY(dockerfile::expand_word(*d.value, env, df_.escape));
          else if (auto g = global_.find(d.key); g != global_.end())
            value = g->second;
          if (value)
            args[d.key] = *value;
          else
            args.erase(d.key);
          s.key = cache_key({s.key, "ARG", d.key, value.value_or("\x01")});
        }
        continue;
      }
      if (cmd.keyword == "RUN") {
        TRY_STATUS(run(index, step, total, cmd, std::get<dockerfile::RunCmd>(cmd.body), args, s));
        continue;
      }
      if (cmd.keyword == "COPY" || cmd.keyword == "ADD") {
        TRY_STATUS(copy(index, step, total, cmd, std::get<dockerfile::CopyCmd>(cmd.body), env, s));
        continue;
      }
      if (cmd.keyword == "ENTRYPOINT" && !cmd_set)
        s.config.config.cmd.clear();
      if (cmd.keyword == "CMD")
        cmd_set = true;
      auto created_by = apply_metadata(s.config, cmd, env, df_.escape);
      if (!created_by)
        return located(cmd, std::move(created_by).error());
      s.key = cache_key({s.key, *created_by});
      if (cmd.keyword == "WORKDIR") {
        TRY_STATUS(workdir(index, step, total, cmd, s));
        continue;
      }
      s.config.history.push_back({timefmt::rfc3339nano(s.time), *created_by, "buildkit.dockerfile.v0", true});
    }
    return s;
  }

  // An error of an instruction, naming where it is.
  Error located(const Command &cmd, Error e) const {
    show_source(cmd);
    return make_error(e.code, "{}:{}: {}: {}", req_.dockerfile_name, cmd.line, cmd.original, e.message);
  }

  // The instruction's lines in the file, shown under the steps.
  void show_source(const Command &cmd) const {
    // Its last line: the first not continued by the escape character.
    auto lines = str::split(req_.dockerfile, '\n');
    int last = cmd.line;
    while (last < static_cast<int>(lines.size())) {
      auto text = str::trim(lines[static_cast<size_t>(last - 1)]);
      if (text.empty() || text.back() != df_.escape)
        break;
      last++;
    }
    progress_.source(req_.dockerfile_name, req_.dockerfile, cmd.line, last);
  }

  // A step whose result the cache may hold: `make` runs it on a miss.
  Status cached_step(StageResult &s, const std::string &key, const std::string &created_by,
                     const std::function<Result<engine::NewLayer>(const std::function<Status(const engine::NewLayer &)> &)> &make,
                     const std::string &description) {
    if (!req_.no_cache)
      if (auto hit = engine::find_cached_step(eng_, key)) {
        progress_.cached();
        take(s, *hit, created_by);
        s.key = key;
        return {};
      }
    engine::BuildCacheEntry e;
    e.key = key;
    e.description = description;
    auto keep = [&](const engine::NewLayer &l) -> Status {
      e.layers = s.layers;
      if (!l.empty) {
        e.layers.push_back(l.chain_id);
        e.diff_id = l.diff_id;
        e.size = l.size;
      }
      e.created = e.last_used = timefmt::now_ns();
      return engine::record_cached_step(eng_, e);
    };
    auto made = make(keep);
    if (!made) {
      progress_.error(made.error().message);
      return std::move(made).error();
    }
    progress_.done();
    take(s, e, created_by);
    s.key = key;
    return {};
  }

  static void take(StageResult &s, const engine::BuildCacheEntry &e, const std::string &created_by) {
    bool added = !e.diff_id.empty();
    s.layers = e.layers;
    if (added)
      s.config.diff_ids.push_back(e.diff_id);
    s.time = std::max(s.time, e.created);
    s.config.history.push_back({timefmt::rfc3339nano(e.created), created_by, "buildkit.dockerfile.v0", !added});
  }

  Status run(size_t index, int step, int total, const Command &cmd, const dockerfile::RunCmd &r,
             const std::map<std::string, std::string> &args, StageResult &s) {
    // sandbox is what every step gets; insecure needs an entitlement
    // (buildx's --allow security.insecure) that skiff does not grant.
    if (r.security == "insecure")
      return located(cmd, make_error(Errc::invalid, "failed to solve: granting entitlement security.insecure is "
                                                    "not allowed by build daemon configuration"));
    auto mounts = RunMounts::prepare(r.mounts, {eng_, req_, ignore_, s.config.config.working_dir,
                                                stage_lookup(s.config, args), df_.escape,
                                                [&](const std::string &f) { return mount_from(f, index); }});
    if (!mounts)
      return located(cmd, std::move(mounts).error());
    progress_.begin(vertex(index, step, total, cmd.original));
    TempFile script;
    if (r.script_heredoc && r.heredocs[0].content.starts_with("#!"))
      TRY_STATUS(script.write(r.heredocs[0].content, 0755));
    auto argv = run_argv(r, stage_shell(s.config), script.path);
    // Build args reach RUN as its environment, never the image's.
    std::vector<std::string> env, shown;
    for (const auto &[k, v] : args) {
      env.push_back(k + "=" + v);
      shown.push_back(k + "=" + v);
    }
    for (const auto &[k, v] : req_.build_args)
      if (kProxyArgs.count(k) && !args.count(k))
        env.push_back(k + "=" + v);
    std::string network = r.network.empty() ? req_.network : r.network;
    std::string key = cache_key({s.key, "RUN", nlohmann::json(argv).dump(), nlohmann::json(env).dump(), network,
                                 req_.add_hosts.empty() ? "" : nlohmann::json(req_.add_hosts).dump()});
    if (!mounts->key().empty())
      key = cache_key({key, "mounts", mounts->key()});
    std::string created_by = "RUN ";
    if (!shown.empty())
      created_by += fmt::format("|{} {} ", shown.size(), fmt::join(shown, " "));
    created_by += fmt::format("{}", fmt::join(argv, " "));
    return cached_step(s, key, buildkit_history(created_by), [&](const auto &keep) -> Result<engine::NewLayer> {
      spec::CreateOptions o;
      o.image = stage_label(index);
      o.entrypoint = "";
      o.cmd = argv;
      o.env = env;
      o.hostname = "buildkitsandbox";
      o.network = network == "default" ? "" : network;
      o.extra_hosts = req_.add_hosts;
      if (!script.path.empty())
        o.mounts.push_back({.type = "bind", .source = script.path,
                            .destination = "/dev/pipes/" + r.heredocs[0].name, .readonly = true});
      TRY_STATUS(mounts->attach(o));
      auto config = s.config;
      // What only a container run from the image gets: a step runs none
      // of the image's volumes nor its health check.
      config.config.volumes.clear();
      config.config.healthcheck.reset();
      auto base = TRY(engine::stage_image(eng_, config, s.layers));
      auto ran = TRY(engine::run_step(eng_, o, base, [&](bool, std::string_view d) { progress_.output(d); }, keep,
                                      req_.cancel_fd));
      if (ran.exit_code != 0) {
        show_source(cmd);
        return make_error(Errc::failed, "failed to solve: process \"{}\" did not complete successfully: exit code: {}",
                          fmt::join(argv, " "), ran.exit_code);
      }
      return ran.layer;
    }, cmd.original);
  }

  // A RUN --mount from=: an earlier stage's root, or an image's.
  Result<MountSource> mount_from(const std::string &from, size_t index) {
    for (size_t i = index; i < df_.stages.size(); i++)
      if (df_.stages[i].name == str::lower(from))
        return make_error(Errc::invalid, "cannot mount from stage \"{}\", stage needs to be defined before current command", from);
    if (auto n = stage_named(from, index)) {
      auto r = TRY(stage(*n));
      return MountSource{r->layers, r->key};
    }
    auto [img, shown] = TRY(base_image(from));
    return MountSource{img.layers, img.id};
  }

  // What RUN runs (dockerfile.hpp says how heredocs take part); a script
  // with "#!" is given as a file, `script` here, mounted at /dev/pipes.
  static std::vector<std::string> run_argv(const dockerfile::RunCmd &r, const std::vector<std::string> &shell,
                                           const std::string &script) {
    if (!r.command.shell_form || r.heredocs.empty())
      return command_argv(r.command, shell);
    auto argv = shell;
    if (r.script_heredoc) {
      argv.push_back(script.empty() ? r.heredocs[0].content : "/dev/pipes/" + r.heredocs[0].name);
      return argv;
    }
    std::string text = r.command.args.empty() ? "" : r.command.args[0];
    for (const auto &h : r.heredocs)
      text += "\n" + h.content + h.name;
    argv.push_back(text);
    return argv;
  }

  Status copy(size_t index, int step, int total, const Command &cmd, const dockerfile::CopyCmd &c,
              const dockerfile::Lookup &env, StageResult &s) {
    auto fail = [&](Error e) { return located(cmd, std::move(e)); };
    auto expand = [&](const std::string &w) { return dockerfile::expand_word(w, env, df_.escape); };
    CopyRequest cr;
    cr.add = c.add;
    cr.parents = c.parents;
    cr.excludes = c.excludes;
    std::vector<std::string> urls;
    for (const auto &src : c.sources) {
      auto x = expand(src);
      if (!x)
        return fail(std::move(x).error());
      if (c.add && is_git_source(*x))
        return fail(make_error(Errc::invalid, "ADD of a git repository is not supported by this skiff: "
                                              "clone it into the build context and COPY it"));
      if (is_http_source(*x) && !c.add)
        return fail(make_error(Errc::invalid, "source can't be a URL for COPY"));
      (is_http_source(*x) ? urls : cr.sources).push_back(*x);
    }
    std::string checksum;
    if (!c.checksum.empty()) {
      auto x = expand(c.checksum);
      if (!x)
        return fail(std::move(x).error());
      checksum = *x;
      if (c.sources.size() != 1)
        return fail(make_error(Errc::invalid, "checksum can't be specified for multiple sources"));
      if (urls.empty())
        return fail(make_error(Errc::invalid, "checksum can't be specified for non-HTTP(S) sources"));
      if (auto ok = check_checksum(checksum); !ok)
        return fail(ok.error());
    }
    if (!urls.empty() && (!cr.sources.empty() || !c.heredocs.empty() || !c.from.empty()))
      return fail(make_error(Errc::invalid, "ADD of URLs together with other sources is not supported by this skiff: "
                                            "give the URLs an ADD of their own"));
    for (const auto &h : c.heredocs) {
      std::string content = h.content;
      if (h.expand) {
        auto x = dockerfile::expand_heredoc(content, env);
        if (!x)
          return fail(std::move(x).error());
        content = *x;
      }
      cr.heredocs.push_back({h.name, content});
    }
    auto dest = expand(c.dest);
    if (!dest)
      return fail(std::move(dest).error());
    cr.dest = *dest;
    cr.workdir = s.config.config.working_dir.empty() ? "/" : s.config.config.working_dir;
    cr.mtime = s.time / 1000000000;
    if (!c.chmod.empty()) {
      unsigned long mode = 0;
      bool octal = c.chmod.size() <= 5 && c.chmod.find_first_not_of("01234567") == std::string::npos;
      if (octal)
        mode = std::stoul(c.chmod, nullptr, 8);
      if (!octal || mode > 07777)
        return fail(make_error(Errc::invalid, "invalid chmod parameter: '{}'. it should be octal string and between 0 and 07777", c.chmod));
      cr.chmod = static_cast<mode_t>(mode);
    }
    std::string from;
    if (!c.from.empty()) {
      auto f = expand(c.from);
      if (!f)
        return fail(std::move(f).error());
      from = *f;
    }
    // Where the sources are read.
    std::optional<engine::RootView> source_view;
    UniqueFd context_fd;
    std::string source_id;
    if (!from.empty()) {
      std::vector<std::string> layers;
      if (auto n = stage_named(from, index)) {
        auto r = TRY(stage(*n));
        layers = r->layers;
        source_id = r->key;
      } else if (auto num = str::to_int(from); num && *num >= 0 && static_cast<size_t>(*num) < index) {
        auto r = TRY(stage(static_cast<size_t>(*num)));
        layers = r->layers;
        source_id = r->key;
      } else {
        auto [img, shown] = TRY(base_image(from));
        layers = img.layers;
        source_id = img.id;
      }
      source_view = TRY(engine::RootView::open(eng_, layers));
      cr.keep_owners = true;
      cr.source_root_fd = source_view->fd();
    } else if (!cr.sources.empty()) {
      if (req_.context_dir.empty())
        return fail(make_error(Errc::invalid, "{} needs a build context, and this build has none", cmd.keyword));
      context_fd = UniqueFd(::open(req_.context_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!context_fd)
        return fail(sys_error("opening the build context {}", req_.context_dir));
      cr.source_root_fd = context_fd.get();
      cr.ignore = &ignore_;
    }
    progress_.begin(vertex(index, step, total, cmd.original));
    // The destination's root is mounted only when read: for --chown's
    // names and to write the layer, never for a step the cache holds.
    std::optional<engine::RootView> dest_view;
    auto dest_fd = [&]() -> Result<int> {
      if (!dest_view)
        dest_view = TRY(engine::RootView::open(eng_, s.layers));
      return dest_view->fd();
    };
    if (!c.chown.empty()) {
      auto spec = expand(c.chown);
      if (!spec)
        return fail(std::move(spec).error());
      auto ids = engine::chown_ids(TRY(dest_fd()), *spec);
      if (!ids) {
        progress_.error(ids.error().message);
        return std::move(ids).error();
      }
      cr.uid = ids->first;
      cr.gid = ids->second;
    }
    if (!urls.empty())
      return add_urls(cmd, c, std::move(cr), urls, checksum, dest_fd, s);
    auto digest = sources_digest(cr);
    if (!digest) {
      progress_.error(digest.error().message);
      return std::move(digest).error();
    }
    std::string key = cache_key({s.key, cmd.keyword, source_id, *digest, cr.dest, cr.workdir,
                                 cr.uid ? std::to_string(*cr.uid) + ":" + std::to_string(*cr.gid) : "",
                                 cr.chmod ? std::to_string(*cr.chmod) : "", c.link ? "link" : "",
                                 nlohmann::json(cr.excludes).dump(), c.parents ? "parents" : ""});
    std::string created_by = fmt::format("{} {} {}", cmd.keyword, fmt::join(cr.sources, " "), cr.dest);
    if (c.link)
      return linked_copy(cmd, cr, key, source_id, *digest, buildkit_history(created_by), s);
    return cached_step(s, key, buildkit_history(created_by), [&](const auto &keep) {
      return copy_layer(s, cr, dest_fd, keep);
    }, cmd.original);
  }

  // COPY and ADD's layer over the stage, kept in the cache.
  Result<engine::NewLayer> copy_layer(const StageResult &s, const CopyRequest &cr,
                                      const std::function<Result<int>()> &dest_fd,
                                      const std::function<Status(const engine::NewLayer &)> &keep) {
    int root = TRY(dest_fd());
    auto adding = TRY(engine::lock_layer_adds(eng_));
    auto layer = TRY(engine::add_written_layer(eng_, s.layers.empty() ? "" : s.layers.back(),
                                               [&](image::TarWriter &w) { return write_copy_layer(cr, root, w); }));
    TRY_STATUS(keep(layer));
    return layer;
  }

  // COPY --link: the layer is written over an empty root, so that it fits
  // any base, and cached under a key that leaves the stage out as well:
  // on a changed base the same diff is stacked on the new one (BuildKit's
  // rebase) instead of being copied again.
  Status linked_copy(const Command &cmd, const CopyRequest &cr, const std::string &key, const std::string &source_id,
                     const std::string &digest, const std::string &created_by, StageResult &s) {
    std::string link_key = cache_key({"link", cmd.keyword, source_id, digest, cr.dest, cr.workdir,
                                      cr.uid ? std::to_string(*cr.uid) + ":" + std::to_string(*cr.gid) : "",
                                      cr.chmod ? std::to_string(*cr.chmod) : "", nlohmann::json(cr.excludes).dump(),
                                      cr.parents ? "parents" : ""});
    std::string parent = s.layers.empty() ? "" : s.layers.back();
    return cached_step(s, key, created_by, [&](const auto &keep) -> Result<engine::NewLayer> {
      auto adding = TRY(engine::lock_layer_adds(eng_));
      engine::NewLayer layer;
      if (auto linked = req_.no_cache ? std::nullopt : engine::find_cached_step(eng_, link_key); linked && !linked->layers.empty()) {
        layer = TRY(engine::restack_layer(eng_, linked->layers.back(), parent));
      } else {
        auto empty = TRY(engine::RootView::open(eng_, {}));
        layer = TRY(engine::add_written_layer(eng_, parent, [&](image::TarWriter &w) {
          return write_copy_layer(cr, empty.fd(), w);
        }));
        engine::BuildCacheEntry e;
        e.key = link_key;
        e.layers = {layer.chain_id};
        e.diff_id = layer.diff_id;
        e.size = layer.size;
        e.created = e.last_used = timefmt::now_ns();
        e.description = cmd.original;
        TRY_STATUS(engine::record_cached_step(eng_, e));
      }
      TRY_STATUS(keep(layer));
      return layer;
    }, cmd.original);
  }

  // ADD of http(s) URLs: each downloaded into a scratch directory of its
  // own, then copied as a local file would be (never unpacked unless
  // --unpack). With --checksum the cache key needs no download (BuildKit's
  // http source); without, it is the contents' digest and time.
  Status add_urls(const Command &cmd, const dockerfile::CopyCmd &c, CopyRequest cr, const std::vector<std::string> &urls,
                  const std::string &checksum, const std::function<Result<int>()> &dest_fd, StageResult &s) {
    auto scratch = engine::ScratchDir::make(eng_);
    UniqueFd dir;
    if (scratch)
      dir = UniqueFd(::open(scratch->path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!scratch || !dir) {
      Error e = scratch ? sys_error("opening a scratch directory") : scratch.error();
      progress_.error(e.message);
      return e;
    }
    cr.source_root_fd = dir.get();
    cr.add = c.unpack.value_or(false);
    cr.keep_owners = false;
    cr.ignore = nullptr;
    bool fetched = false;
    std::string contents;
    auto fetch_all = [&]() -> Status {
      if (fetched)
        return {};
      for (size_t i = 0; i < urls.size(); i++) {
        std::string sub = std::to_string(i);
        if (::mkdirat(dir.get(), sub.c_str(), 0700) < 0)
          return sys_error("making a directory for the download of {}", urls[i]);
        UniqueFd subfd(::openat(dir.get(), sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!subfd)
          return sys_error("opening the directory for the download of {}", urls[i]);
        auto got = TRY(download_url(urls[i], checksum, subfd.get()));
        cr.sources.push_back(sub + "/" + got.name);
        contents += fmt::format("{} {} {}\n", got.name, got.digest, got.mtime);
      }
      fetched = true;
      return {};
    };
    if (checksum.empty())
      if (auto ok = fetch_all(); !ok) {
        progress_.error(ok.error().message);
        return located(cmd, ok.error());
      }
    std::string key = cache_key({s.key, "ADD-URL", nlohmann::json(urls).dump(),
                                 checksum.empty() ? contents : checksum + " " + url_file_name(urls[0]), cr.dest,
                                 cr.workdir, cr.uid ? std::to_string(*cr.uid) + ":" + std::to_string(*cr.gid) : "",
                                 cr.chmod ? std::to_string(*cr.chmod) : "", cr.add ? "unpack" : "",
                                 c.link ? "link" : ""});
    std::string created_by = fmt::format("ADD {} {}", fmt::join(urls, " "), cr.dest);
    return cached_step(s, key, buildkit_history(created_by), [&](const auto &keep) -> Result<engine::NewLayer> {
      TRY_STATUS(fetch_all());
      return copy_layer(s, cr, dest_fd, keep);
    }, cmd.original);
  }

  Status workdir(size_t index, int step, int total, const Command &cmd, StageResult &s) {
    const std::string &dir = s.config.config.working_dir;
    progress_.begin(vertex(index, step, total, cmd.original));
    std::string created_by = "WORKDIR " + dir;
    std::string key = cache_key({s.key, "WORKDIR-mkdir", s.config.config.user});
    // A cached mkdir needs no look at the root: the key names it.
    if (!req_.no_cache)
      if (auto hit = engine::find_cached_step(eng_, key)) {
        progress_.cached();
        take(s, *hit, buildkit_history(created_by));
        s.key = key;
        return {};
      }
    auto view = TRY(engine::RootView::open(eng_, s.layers));
    auto missing = missing_dirs(view.fd(), dir);
    if (!missing)
      return located(cmd, std::move(missing).error());
    if (missing->empty()) {
      progress_.done();
      s.config.history.push_back({timefmt::rfc3339nano(s.time), created_by, "buildkit.dockerfile.v0", true});
      return {};
    }
    auto owner = engine::chown_ids(view.fd(), s.config.config.user.empty() ? "0" : s.config.config.user);
    if (!owner)
      return located(cmd, std::move(owner).error());
    return cached_step(s, key, buildkit_history(created_by), [&](const auto &keep) -> Result<engine::NewLayer> {
      auto adding = TRY(engine::lock_layer_adds(eng_));
      auto layer = TRY(engine::add_written_layer(eng_, s.layers.empty() ? "" : s.layers.back(), [&](image::TarWriter &w) {
        return write_workdir_layer(view.fd(), *missing, owner->first, owner->second, timefmt::now_ns() / 1000000000, w);
      }));
      TRY_STATUS(keep(layer));
      return layer;
    }, cmd.original);
  }

  engine::Engine &eng_;
  const BuildRequest &req_;
  Progress &progress_;
  dockerfile::Dockerfile df_;
  dockerfile::IgnoreRules ignore_;
  std::map<std::string, std::string> global_;
  std::string host_platform_;  // "linux/amd64"
  std::mutex mu_;  // what follows
  std::map<size_t, std::shared_future<Result<StageResult>>> stages_;
  std::vector<std::thread> threads_;
  std::mutex images_mu_;  // images_, held while one is pulled
  std::map<std::string, engine::ImageRecord> images_;
};

} // namespace

Result<BuildResult> run_build(engine::Engine &eng, const BuildRequest &given, Progress &progress) {
  // A context archive is read where it is extracted, for the build's time.
  std::optional<engine::ScratchDir> scratch;
  std::optional<BuildRequest> extracted;
  if (given.context_archive) {
    progress.begin("[internal] load remote build context");
    auto made = engine::ScratchDir::make(eng);
    Status opened = made ? Status{} : Status(made.error());
    if (made) {
      scratch.emplace(std::move(*made));
      extracted = given;
      opened = open_context_archive(*given.context_archive, *scratch, *extracted);
    }
    if (!opened) {
      progress.error(opened.error().message);
      return opened.error();
    }
    progress.done();
  }
  const BuildRequest &r = extracted ? *extracted : given;
  progress.begin(fmt::format("[internal] load build definition from {}", r.dockerfile_name));
  progress.note(fmt::format("transferring dockerfile: {}B done", r.dockerfile.size()));
  auto df = dockerfile::parse(r.dockerfile, r.dockerfile_name);
  if (!df) {
    progress.error(df.error().message);
    // The parser's words start "FILE:LINE:".
    auto where = std::string_view(df.error().message).substr(r.dockerfile_name.size());
    if (where.starts_with(":"))
      if (auto line = str::to_int(where.substr(1, where.find(':', 1) - 1)))
        progress.source(r.dockerfile_name, r.dockerfile, static_cast<int>(*line), static_cast<int>(*line));
    return std::move(df).error();
  }
  progress.done();
  progress.begin("[internal] load .dockerignore");
  progress.note(fmt::format("transferring context: {}B done", r.ignore_file.size()));
  auto ignore = dockerfile::IgnoreRules::parse(r.ignore_file);
  if (!ignore) {
    progress.error(ignore.error().message);
    return std::move(ignore).error();
  }
  progress.done();
  engine::remove_abandoned_steps(eng);
  Builder b(eng, r, progress, std::move(*df), std::move(*ignore));
  TRY_STATUS(b.resolve_global_args());
  auto target = TRY(b.target_stage());
  TRY_STATUS(b.check_mounts(target));
  auto stage = b.stage(target);
  b.join();
  if (!stage)
    return std::move(stage).error();
  if (engine::cancelled(r.cancel_fd))
    return make_error(Errc::cancelled, "failed to solve: Canceled: context canceled");
  BuildResult result;
  if (r.output)
    TRY_STATUS(write_output(eng, (*stage)->layers, *r.output, progress));
  // With -o, an image only when tags name one.
  if (!r.output || !r.tags.empty())
    result.image_id = TRY(b.export_image(**stage));
  return result;
}

} // namespace skiff::build
