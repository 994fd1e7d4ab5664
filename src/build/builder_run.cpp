// RUN: a container made from the stage, its mounts, its cache key and
// history line (builder.hpp).
#include "builder.hpp"

namespace skiff::build {

namespace {

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

} // namespace

Status Builder::run(size_t index, int step, int total, const Command &cmd, const dockerfile::RunCmd &r,
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
    if (network != "default")
      o.networks = {network};
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

Result<MountSource> Builder::mount_from(const std::string &from, size_t index) {
  for (size_t i = index; i < df_.stages.size(); i++)
    if (df_.stages[i].name == str::lower(from))
      return make_error(Errc::invalid, "cannot mount from stage \"{}\", stage needs to be defined before current command", from);
  if (auto n = stage_named(df_, from, index)) {
    auto r = TRY(stage(*n));
    return MountSource{r->layers, r->key};
  }
  auto [img, shown] = TRY(base_image(from));
  return MountSource{img.layers, img.id};
}

std::vector<std::string> Builder::run_argv(const dockerfile::RunCmd &r, const std::vector<std::string> &shell,
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

} // namespace skiff::build
