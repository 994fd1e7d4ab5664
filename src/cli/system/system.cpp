// version and info.
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../registry.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/engine/info.hpp"
#include "skiff_config.h"

namespace skiff::cli {

using nlohmann::json;

static json version_json() {
  utsname u{};
  ::uname(&u);
  return {{"Client", {{"Version", SKIFF_VERSION}, {"ApiVersion", "1.41"}, {"Os", "linux"},
                      {"Arch", engine::host_architecture()}}},
          {"Server", {{"Version", SKIFF_VERSION}, {"KernelVersion", u.release}, {"Os", "linux"},
                      {"Arch", engine::host_architecture()}}}};
}

static int run_version(Context &, const Args &a) {
  json v = version_json();
  if (a.has("format")) {
    auto out = render_inspect(a.get("format"), {v});
    if (!out)
      return fail(out.error());
    fmt::print("{}", *out);
    return 0;
  }
  fmt::print("Client:\n Version:    {}\n API version: 1.41\n OS/Arch:    linux/{}\n\n"
             "Server: skiff (daemonless)\n Version:    {}\n Kernel:     {}\n",
             SKIFF_VERSION, engine::host_architecture(), SKIFF_VERSION,
             v["Server"]["KernelVersion"].get<std::string>());
  return 0;
}

static int run_info(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto counts = engine::system_info(**eng);
  utsname u{};
  ::uname(&u);
  json info = {{"Containers", counts.containers},
               {"ContainersRunning", counts.running},
               {"ContainersPaused", 0},
               {"ContainersStopped", counts.stopped},
               {"Images", counts.images},
               {"Driver", counts.driver},
               {"DockerRootDir", ctx.options().root},
               {"KernelVersion", u.release},
               {"OperatingSystem", "linux"},
               {"Architecture", u.machine},
               {"NCPU", ::sysconf(_SC_NPROCESSORS_ONLN)},
               {"MemTotal", static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE)},
               {"ServerVersion", SKIFF_VERSION},
               {"SecurityOptions", ctx.options().rootless ? json{"name=seccomp,profile=default", "name=rootless"}
                                                          : json{"name=seccomp,profile=default"}}};
  if (a.has("format")) {
    auto out = render_inspect(a.get("format"), {info});
    if (!out)
      return fail(out.error());
    fmt::print("{}", *out);
    return 0;
  }
  fmt::print("Server:\n Containers: {}\n  Running: {}\n  Paused: 0\n  Stopped: {}\n Images: {}\n"
             " Server Version: {}\n Storage Driver: {}\n Rootless: {}\n Kernel Version: {}\n"
             " Architecture: {}\n CPUs: {}\n Skiff Root Dir: {}\n",
             counts.containers, counts.running, counts.stopped, counts.images, SKIFF_VERSION, counts.driver,
             ctx.options().rootless, u.release, u.machine,
             info["NCPU"].get<long>(), ctx.options().root);
  return 0;
}

Command cmd_version() {
  return {"version", "[OPTIONS]", "Show the skiff version information",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"}},
          "", true, false, 0, 0, {}, run_version};
}

Command cmd_info() {
  return {"info", "[OPTIONS]", "Display system-wide information",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"}},
          "", true, false, 0, 0, {"system info"}, run_info};
}

} // namespace skiff::cli
