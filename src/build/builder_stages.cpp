// The builder's stages: the global args, which stages a target needs and
// their threads, FROM, the config-only instructions, the cache, and where
// an error is in the file (builder.hpp).
#include "builder.hpp"

namespace skiff::build {

namespace {

// The args BuildKit defines in the global scope for every build.
const std::set<std::string> kPlatformArgs = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
                                             "BUILDPLATFORM",  "BUILDOS",  "BUILDARCH",  "BUILDVARIANT"};

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

} // namespace

Status Builder::resolve_global_args() {
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

Result<size_t> Builder::target_stage() const {
  if (df_.stages.empty())
    return make_error(Errc::invalid, "{}: file with no instructions", req_.dockerfile_name);
  if (req_.target.empty())
    return df_.stages.size() - 1;
  for (size_t i = 0; i < df_.stages.size(); i++)
    if (df_.stages[i].name == str::lower(req_.target))
      return i;
  return make_error(Errc::not_found, "failed to solve: target stage \"{}\" could not be found", req_.target);
}

Result<const StageResult *> Builder::stage(size_t i) {
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
    for (size_t d : stage_references(df_, i, resolve_global()))
      start_stage(d);
    mine->set_value(build_stage(i));
  }
  const auto &r = result.get();
  if (!r)
    return r.error();
  return &*r;
}

void Builder::join() {
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

Status Builder::check_mounts(size_t target) const {
  return check_run_mounts(df_, needed_stages(df_, target, resolve_global()), req_.dockerfile_name);
}

Result<std::string> Builder::export_image(const StageResult &s) {
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

dockerfile::Lookup Builder::lookup_in(const std::map<std::string, std::string> &m) {
  return [&m](std::string_view name) -> std::optional<std::string> {
    if (auto it = m.find(std::string(name)); it != m.end())
      return it->second;
    return std::nullopt;
  };
}

void Builder::start_stage(size_t i) {
  std::lock_guard l(mu_);
  if (stages_.count(i))
    return;
  threads_.emplace_back([this, i] { (void)stage(i); });
}

ResolveName Builder::resolve_global() const {
  return [this](const std::string &n) -> std::optional<std::string> {
    auto x = dockerfile::expand_word(n, lookup_in(global_), df_.escape);
    return x ? std::optional<std::string>(std::move(*x)) : std::nullopt;
  };
}

std::string Builder::stage_label(size_t i) const {
  const auto &st = df_.stages[i];
  return st.name.empty() ? fmt::format("stage-{}", i) : st.name;
}

std::string Builder::vertex(size_t stage, int step, int total, const std::string &text) const {
  if (df_.stages.size() == 1)
    return fmt::format("[{}/{}] {}", step, total, text);
  return fmt::format("[{} {}/{}] {}", stage_label(stage), step, total, text);
}

Result<std::pair<engine::ImageRecord, std::string>> Builder::base_image(const std::string &name) {
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

dockerfile::Lookup Builder::stage_lookup(const image::ImageConfig &c, const std::map<std::string, std::string> &args) const {
  return [&c, &args](std::string_view name) -> std::optional<std::string> {
    for (auto it = c.config.env.rbegin(); it != c.config.env.rend(); ++it)
      if (it->size() > name.size() && it->starts_with(name) && (*it)[name.size()] == '=')
        return it->substr(name.size() + 1);
    if (auto a = args.find(std::string(name)); a != args.end())
      return a->second;
    return std::nullopt;
  };
}

Result<StageResult> Builder::build_stage(size_t index) {
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
  if (auto parent = stage_named(df_, base, index, false)) {
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

Error Builder::located(const Command &cmd, Error e) const {
  show_source(cmd);
  return make_error(e.code, "{}:{}: {}: {}", req_.dockerfile_name, cmd.line, cmd.original, e.message);
}

void Builder::show_source(const Command &cmd) const {
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

Status Builder::cached_step(StageResult &s, const std::string &key, const std::string &created_by,
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

void Builder::take(StageResult &s, const engine::BuildCacheEntry &e, const std::string &created_by) {
  bool added = !e.diff_id.empty();
  s.layers = e.layers;
  if (added)
    s.config.diff_ids.push_back(e.diff_id);
  s.time = std::max(s.time, e.created);
  s.config.history.push_back({timefmt::rfc3339nano(e.created), created_by, "buildkit.dockerfile.v0", !added});
}

} // namespace skiff::build
