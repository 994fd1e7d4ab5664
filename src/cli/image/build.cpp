// build: an image from a Dockerfile and a context directory read in
// place, with BuildKit's progress on stderr (the builder: build/).
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "../access_flags.hpp"
#include "../host_flags.hpp"
#include "../archive_output.hpp"
#include "../registry.hpp"
#include "skiff/build/build.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/atomic_output.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::cli {

namespace {

// Reads `fd` to its end, or only until `text` holds `want` bytes.
Status read_into(int fd, std::string &text, size_t want = SIZE_MAX) {
  char buf[65536];
  while (text.size() < want) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, want - text.size()));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("reading the build input");
    if (n == 0)
      break;
    text.append(buf, static_cast<size_t>(n));
  }
  return {};
}

Result<std::string> read_stdin() {
  std::string text;
  TRY_STATUS(read_into(STDIN_FILENO, text));
  return text;
}

// --pull as Docker's boolean or podman's policy.
Result<engine::PullPolicy> pull_policy(const Args &a) {
  std::string v = a.get("pull", "missing");
  if (v == "true")
    return engine::PullPolicy::always;
  if (v == "false")
    return engine::PullPolicy::missing;
  return engine::parse_pull_policy(v);
}

// -o as buildx takes it: "type=local,dest=DIR", "type=tar,dest=FILE"
// (dest=- or none: stdout), a bare path (local) or "-" (tar to stdout).
Result<std::optional<build::BuildOutput>> parse_output(const Args &a) {
  auto all = a.all("output");
  if (all.empty())
    return std::optional<build::BuildOutput>{};
  if (all.size() > 1)
    return make_error(Errc::usage, "multiple outputs are not supported: give -o once");
  const std::string &v = all[0];
  build::BuildOutput o;
  if (v == "-") {
    o.type = build::BuildOutput::Type::tar;
    o.dest = "-";
    return std::optional{o};
  }
  if (v.find('=') == std::string::npos) {
    o.dest = v;
    return std::optional{o};
  }
  std::string type;
  for (const auto &field : str::split(v, ',')) {
    auto kv = str::cut(field, '=');
    if (!kv)
      return make_error(Errc::usage, "invalid value \"{}\" for -o: expected key=value", field);
    if (kv->first == "type")
      type = kv->second;
    else if (kv->first == "dest")
      o.dest = kv->second;
    else
      return make_error(Errc::usage, "invalid value \"{}\" for -o: unknown key {}", field, kv->first);
  }
  if (type == "tar") {
    o.type = build::BuildOutput::Type::tar;
    if (o.dest.empty())
      o.dest = "-";
  } else if (type == "local") {
    if (o.dest.empty())
      return make_error(Errc::usage, "output directory is required for local exporter");
  } else {
    return make_error(Errc::usage, "output type \"{}\" is not supported by this skiff: use local or tar", type);
  }
  return std::optional{o};
}

Status read_definition(const Args &a, const std::string &context, build::BuildRequest &r) {
  std::string file = a.get("file");
  if (file == "-") {
    r.dockerfile = TRY(read_stdin());
    r.dockerfile_name = "Dockerfile";
    if (!context.empty() && fs::exists(context + "/.dockerignore"))
      r.ignore_file = TRY(fs::read_file(context + "/.dockerignore"));
    return {};
  }
  if (file.empty()) {
    // Docker's name, else podman's.
    file = context + "/Dockerfile";
    if (!fs::exists(file) && fs::exists(context + "/Containerfile"))
      file = context + "/Containerfile";
  }
  auto text = fs::read_file(file);
  if (!text)
    return make_error(Errc::not_found, "failed to solve: failed to read dockerfile: open {}: no such file or directory",
                      fs::basename(file));
  r.dockerfile = std::move(*text);
  r.dockerfile_name = fs::basename(file);
  // <Dockerfile>.dockerignore beside it wins over the context's.
  if (fs::exists(file + ".dockerignore"))
    r.ignore_file = TRY(fs::read_file(file + ".dockerignore"));
  else if (fs::exists(context + "/.dockerignore"))
    r.ignore_file = TRY(fs::read_file(context + "/.dockerignore"));
  return {};
}

Result<build::BuildRequest> build_request(const Args &a, UniqueFd &archive_fd) {
  build::BuildRequest r;
  r.pull = TRY(pull_policy(a));
  r.access = registry_access(a);
  r.no_cache = a.flag("no-cache");
  r.target = a.get("target");
  for (const auto &t : a.all("tag")) {
    auto ref = image::parse_reference(t);
    if (!ref)
      return make_error(Errc::usage, "invalid argument \"{}\" for \"-t, --tag\" flag: invalid reference format", t);
    r.tags.push_back(ref->full());
  }
  for (const auto &b : a.all("build-arg")) {
    if (auto kv = str::cut(b, '=')) {
      r.build_args[kv->first] = kv->second;
    } else if (const char *v = std::getenv(b.c_str())) {
      r.build_args[b] = v;
    }
  }
  for (const auto &l : a.all("label")) {
    auto kv = str::cut(l, '=');
    r.labels[kv ? kv->first : l] = kv ? kv->second : "";
  }
  for (const auto &v : a.all("secret")) {
    auto secret = TRY(build::parse_secret_flag(v));
    TRY_STATUS(build::resolve_secret(secret, std::getenv(secret.id.c_str()) != nullptr));
    r.secrets.push_back(std::move(secret));
  }
  std::string network = a.get("network", "default");
  if (network != "default" && network != "none" && network != "host")
    return make_error(Errc::usage, "network mode \"{}\" not supported by buildkit", network);
  r.network = network == "default" ? "" : network;
  std::string platform = a.get("platform");
  if (!platform.empty() && platform != "linux/" + image::host_architecture())
    return make_error(Errc::invalid, "this skiff builds for linux/{} only, not {}", image::host_architecture(), platform);
  std::string progress = a.get("progress", "auto");
  if (progress != "auto" && progress != "plain" && progress != "tty" && progress != "quiet")
    return make_error(Errc::usage, "invalid progress mode \"{}\": use auto, plain, tty or quiet", progress);
  r.output = TRY(parse_output(a));
  r.add_hosts = TRY(add_hosts(a));
  std::string context = a.positional[0];
  if (context == "-") {
    if (a.get("file") == "-")
      return make_error(Errc::usage, "invalid argument: can't use stdin for both build context and dockerfile");
    // Enough to tell a tar (its magic is at 257) or a compressed stream.
    std::string head;
    TRY_STATUS(read_into(STDIN_FILENO, head, 512));
    if (build::is_context_archive(head)) {
      r.context_archive = build::ContextArchive{std::move(head), STDIN_FILENO, a.get("file")};
      return r;
    }
    // A Dockerfile alone: -f names nothing then, as Docker ignores it.
    TRY_STATUS(read_into(STDIN_FILENO, head));
    r.dockerfile = std::move(head);
    r.dockerfile_name = "Dockerfile";
    return r;
  }
  if (fs::exists(context) && !fs::is_dir(context)) {
    // An archive file: read as one given on stdin.
    UniqueFd fd(::open(context.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
      return sys_error("unable to prepare context: opening {}", context);
    std::string head;
    TRY_STATUS(read_into(fd.get(), head, 512));
    if (!build::is_context_archive(head))
      return make_error(Errc::invalid, "unable to prepare context: context must be a directory or an archive: {}",
                        context);
    archive_fd = std::move(fd);
    r.context_archive = build::ContextArchive{std::move(head), archive_fd.get(), a.get("file")};
    return r;
  }
  if (!fs::is_dir(context))
    return make_error(Errc::not_found, "unable to prepare context: path \"{}\" not found", context);
  std::error_code ec;
  r.context_dir = std::filesystem::absolute(context, ec).lexically_normal().string();
  if (r.context_dir.size() > 1 && r.context_dir.back() == '/')
    r.context_dir.pop_back();
  TRY_STATUS(read_definition(a, r.context_dir, r));
  return r;
}

int run_build(Context &ctx, const Args &a) {
  UniqueFd archive_fd;
  auto r = build_request(a, archive_fd);
  if (!r)
    return fail(r.error());
  bool quiet = a.flag("quiet") || a.get("progress") == "quiet";
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  // Ctrl-C or a TERM stops the build between steps or kills the running
  // one, so that no step container outlives it. Blocked before any
  // thread starts (the progress view's, the stages'): threads inherit it.
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&mask, sig);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  UniqueFd signals(::signalfd(-1, &mask, SFD_CLOEXEC));
  r->cancel_fd = signals.get();
  // A tar output's file, written whole or not at all; stdout must not be a terminal.
  std::optional<ArchiveOutput> tar_out;
  if (r->output && r->output->type == build::BuildOutput::Type::tar) {
    auto opened = ArchiveOutput::open(r->output->dest == "-" ? "" : r->output->dest);
    if (!opened)
      return fail(opened.error());
    tar_out.emplace(std::move(*opened));
    r->output->fd = tar_out->fd();
  }
  std::string mode = a.get("progress", "auto");
  winsize ws{};
  bool terminal = ::isatty(STDERR_FILENO) && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0;
  if (mode == "tty" && !terminal)
    return fail_text("--progress=tty needs a terminal on stderr: use plain", kExitRuntime);
  auto kind = quiet                                                   ? build::Progress::Mode::quiet
              : mode == "tty" || (mode == "auto" && terminal)         ? build::Progress::Mode::tty
                                                                      : build::Progress::Mode::plain;
  build::Progress progress(kind, stderr, ws.ws_col, ws.ws_row);
  auto built = build::run_build(**eng, *r, progress);
  progress.finish();
  if (!built)
    return fail(built.error());
  if (tar_out)
    if (auto s = tar_out->commit(); !s)
      return fail(s.error());
  if (built->image_id.empty())
    return 0;
  std::string id = "sha256:" + built->image_id;
  if (a.has("iidfile"))
    if (auto s = fs::write_file_atomic(a.get("iidfile"), id, false); !s)
      return fail(s.error());
  if (a.flag("quiet"))
    fmt::print("{}\n", id);
  return 0;
}

} // namespace

Command cmd_build() {
  auto flags = registry_access_flags();
  flags.insert(flags.begin(),
               {add_host_flag(),
                {"build-arg", 0, FlagKind::list, "Set build-time variables", "build-args", "list"},
                {"file", 'f', FlagKind::value, "Name of the Dockerfile (default: \"PATH/Dockerfile\")", "files", "string"},
                {"iidfile", 0, FlagKind::value, "Write the image ID to the file", "files", "string"},
                {"label", 0, FlagKind::list, "Set metadata for an image", "none", "list"},
                {"network", 0, FlagKind::value, "Set the networking mode for the RUN instructions during build", "build-networks", "string"},
                {"output", 'o', FlagKind::list, "Output destination (format: \"type=local,dest=path\")", "files", "list"},
                {"no-cache", 0, FlagKind::boolean, "Do not use cache when building the image"},
                {"platform", 0, FlagKind::value, "Set target platform for build", "platforms", "string"},
                {"progress", 0, FlagKind::value, "Set type of progress output (\"auto\", \"plain\", \"tty\", \"quiet\")", "build-progress", "string"},
                {"pull", 0, FlagKind::optional, "Always attempt to pull all referenced images (or: always, missing, never)", "pull-policies", "string"},
                {"quiet", 'q', FlagKind::boolean, "Suppress the build output and print image ID on success"},
                {"secret", 0, FlagKind::list, "Secret to expose to the build (format: \"id=mysecret[,src=/local/secret]\")", "none", "list"},
                {"tag", 't', FlagKind::list, "Name and optionally a tag in the \"name:tag\" format", "images", "list"},
                {"target", 0, FlagKind::value, "Set the target build stage to build", "build-stages", "string"}});
  return {"build", "[OPTIONS] PATH | -", "Build an image from a Dockerfile",
          flags, "files", true, true, 1, 1, {"image build", "builder build"}, run_build};
}

} // namespace skiff::cli
