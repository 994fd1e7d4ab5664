// info: Docker's Info object (moby api/types/system, Docker 24+) with the
// ClientInfo docker/cli adds, and its text layout.
#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../registry.hpp"
#include "../view_types.hpp"
#include "format.hpp"
#include "skiff/engine/build_info.hpp"
#include "skiff/engine/info.hpp"
#include "skiff/engine/types.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::cli {

using nlohmann::json;

namespace {

// What skiff offers where Docker lists plugins: its one volume driver,
// the network modes it has (none is Docker's "null" driver), its log
// driver (Docker does not list "none" either).
const std::vector<std::string> kNetworkDrivers = {"bridge", "host", "null", "pasta", "slirp4netns"};
// Docker's defaults, which skiff applies too (registry/local.hpp).
const std::vector<std::string> kInsecureCidrs = {"::1/128", "127.0.0.0/8"};

json registry_config(const engine::SystemInfo &i) {
  json index = {{"docker.io", {{"Mirrors", json::array()}, {"Name", "docker.io"}, {"Official", true}, {"Secure", true}}}};
  for (const auto &r : i.insecure_registries)
    index[r] = {{"Mirrors", json::array()}, {"Name", r}, {"Official", false}, {"Secure", false}};
  return {{"IndexConfigs", index}, {"InsecureRegistryCIDRs", kInsecureCidrs}, {"Mirrors", json::array()}};
}

json client_info() {
  auto b = engine::build_info();
  json c = {{"Debug", false}, {"Version", b.version}, {"DefaultAPIVersion", engine::kApiVersion},
            {"GoVersion", b.compiler}, {"Os", "linux"}, {"Arch", engine::host_architecture()},
            {"Context", "default"}, {"Plugins", json::array()}, {"Warnings", nullptr}};
  if (!b.git_commit.empty())
    c["GitCommit"] = b.git_commit;
  if (b.build_time)
    c["BuildTime"] = engine::ansic_time(b.build_time);
  return c;
}

json info_json(const engine::SystemInfo &i) {
  auto b = engine::build_info();
  json status = json::array();
  for (const auto &[k, v] : i.driver_status)
    status.push_back({k, v});
  return {
      {"ID", i.id},
      {"Containers", i.containers},
      {"ContainersRunning", i.running},
      {"ContainersPaused", i.paused},
      {"ContainersStopped", i.stopped},
      {"Images", i.images},
      {"Driver", i.driver},
      {"DriverStatus", i.driver_status.empty() ? json(nullptr) : status},
      {"Plugins", {{"Volume", {"local"}}, {"Network", kNetworkDrivers}, {"Authorization", nullptr},
                   {"Log", {"json-file"}}}},
      {"MemoryLimit", i.memory_limit},
      {"SwapLimit", i.swap_limit},
      {"CpuCfsPeriod", i.cpu_cfs},
      {"CpuCfsQuota", i.cpu_cfs},
      {"CPUShares", false},  // skiff has no --cpu-shares, --cpuset-cpus, --oom-kill-disable
      {"CPUSet", false},
      {"PidsLimit", i.pids_limit},
      {"IPv4Forwarding", i.ipv4_forwarding},
      {"Debug", false},
      {"NFd", i.nfd},
      {"OomKillDisable", false},
      {"NGoroutines", 0},
      {"SystemTime", i.system_time},
      {"LoggingDriver", "json-file"},
      {"CgroupDriver", i.cgroup_driver},
      {"CgroupVersion", i.cgroup_version},
      {"NEventsListener", 0},
      {"KernelVersion", i.kernel_version},
      {"OperatingSystem", i.operating_system},
      {"OSVersion", i.os_version},
      {"OSType", "linux"},
      {"Architecture", i.architecture},
      {"IndexServerAddress", "https://index.docker.io/v1/"},
      {"RegistryConfig", registry_config(i)},
      {"NCPU", i.ncpu},
      {"MemTotal", i.mem_total},
      {"GenericResources", nullptr},
      {"DockerRootDir", i.root_dir},
      {"HttpProxy", i.http_proxy},
      {"HttpsProxy", i.https_proxy},
      {"NoProxy", i.no_proxy},
      {"Name", i.name},
      {"Labels", json::array()},
      {"ExperimentalBuild", false},
      {"ServerVersion", b.version},
      // The runtime is built in: skiff itself.
      {"Runtimes", {{"skiff", {{"path", i.runtime_path}}}}},
      {"DefaultRuntime", "skiff"},
      {"Swarm", {{"NodeID", ""}, {"NodeAddr", ""}, {"LocalNodeState", "inactive"},
                 {"ControlAvailable", false}, {"Error", ""}, {"RemoteManagers", nullptr}}},
      {"LiveRestoreEnabled", false},
      {"Isolation", ""},
      {"InitBinary", "docker-init"},
      {"ContainerdCommit", {{"ID", ""}}},
      {"RuncCommit", {{"ID", ""}}},
      {"InitCommit", {{"ID", b.git_commit}}},
      {"SecurityOptions", i.security_options},
      {"CDISpecDirs", nullptr},
      {"Warnings", i.warnings.empty() ? json(nullptr) : json(i.warnings)},
      {"ClientInfo", client_info()},
  };
}

// go-units' BytesSize: binary units, four significant digits.
std::string bytes_size(double size) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  size_t i = 0;
  while (size >= 1024 && i + 1 < std::size(units)) {
    size /= 1024;
    i++;
  }
  return fmt::format("{:.4g}{}", size, units[i]);
}

std::string join(const json &list) {
  std::string out;
  for (const auto &s : list)
    out += (out.empty() ? "" : " ") + s.get<std::string>();
  return out;
}

// docker/cli's prettyPrintInfo, line by line (fmt.Println joins with a
// space; lines with an empty value are left out where Docker leaves them).
std::string info_text(const json &j) {
  std::string t;
  auto line = [&](const std::string &label, const std::string &value) { t += label + " " + value + "\n"; };
  auto nonempty = [&](const std::string &label, const std::string &value) {
    if (!value.empty())
      line(label, value);
  };
  auto s = [&](const char *key) { return j[key].get<std::string>(); };
  auto n = [&](const char *key) { return j[key].dump(); };
  const json &c = j["ClientInfo"];
  t += "Client:\n";
  line(" Version:   ", c["Version"].get<std::string>());
  line(" Context:   ", c["Context"].get<std::string>());
  line(" Debug Mode:", c["Debug"].dump());
  t += "\nServer:\n";
  line(" Containers:", n("Containers"));
  line("  Running:", n("ContainersRunning"));
  line("  Paused:", n("ContainersPaused"));
  line("  Stopped:", n("ContainersStopped"));
  line(" Images:", n("Images"));
  nonempty(" Server Version:", s("ServerVersion"));
  nonempty(" Storage Driver:", s("Driver"));
  if (j["DriverStatus"].is_array())
    for (const auto &p : j["DriverStatus"])
      t += fmt::format("  {}: {}\n", p[0].get<std::string>(), p[1].get<std::string>());
  nonempty(" Logging Driver:", s("LoggingDriver"));
  nonempty(" Cgroup Driver:", s("CgroupDriver"));
  nonempty(" Cgroup Version:", s("CgroupVersion"));
  t += " Plugins:\n";
  line("  Volume:", join(j["Plugins"]["Volume"]));
  line("  Network:", join(j["Plugins"]["Network"]));
  line("  Log:", join(j["Plugins"]["Log"]));
  line(" Swarm:", j["Swarm"]["LocalNodeState"].get<std::string>());
  std::string runtimes;
  for (const auto &[name, _] : j["Runtimes"].items())
    runtimes += (runtimes.empty() ? "" : " ") + name;
  line(" Runtimes:", runtimes);
  line(" Default Runtime:", s("DefaultRuntime"));
  line(" Init Binary:", s("InitBinary"));
  line(" containerd version:", j["ContainerdCommit"]["ID"].get<std::string>());
  line(" runc version:", j["RuncCommit"]["ID"].get<std::string>());
  line(" init version:", j["InitCommit"]["ID"].get<std::string>());
  t += " Security Options:\n";
  for (const auto &opt : j["SecurityOptions"]) {
    // "name=seccomp,profile=builtin": the name, then its profile.
    std::string name, profile;
    for (const auto &kv : str::split(opt.get<std::string>(), ',')) {
      if (kv.rfind("name=", 0) == 0)
        name = kv.substr(5);
      else if (kv.rfind("profile=", 0) == 0)
        profile = kv.substr(8);
    }
    t += "  " + name + "\n";
    if (!profile.empty())
      line("   Profile:", profile);
  }
  nonempty(" Kernel Version:", s("KernelVersion"));
  nonempty(" Operating System:", s("OperatingSystem"));
  nonempty(" OSType:", s("OSType"));
  nonempty(" Architecture:", s("Architecture"));
  line(" CPUs:", n("NCPU"));
  line(" Total Memory:", bytes_size(j["MemTotal"].get<double>()));
  nonempty(" Name:", s("Name"));
  nonempty(" ID:", s("ID"));
  line(" Docker Root Dir:", s("DockerRootDir"));
  line(" Debug Mode:", n("Debug"));
  nonempty(" HTTP Proxy:", s("HttpProxy"));
  nonempty(" HTTPS Proxy:", s("HttpsProxy"));
  nonempty(" No Proxy:", s("NoProxy"));
  line(" Experimental:", n("ExperimentalBuild"));
  t += " Insecure Registries:\n";
  for (const auto &[name, index] : j["RegistryConfig"]["IndexConfigs"].items())
    if (!index["Secure"].get<bool>())
      t += "  " + name + "\n";
  for (const auto &cidr : j["RegistryConfig"]["InsecureRegistryCIDRs"])
    t += "  " + cidr.get<std::string>() + "\n";
  line(" Live Restore Enabled:", n("LiveRestoreEnabled"));
  return t + "\n";
}

int run_info(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  json info = info_json(engine::system_info(**eng));
  if (a.has("format")) {
    auto out = render_format(a.get("format"), info, info_types());
    fmt::print("{}", out.text);
    std::fflush(stdout);
    return out.error ? fail(*out.error) : 0;
  }
  fmt::print("{}", info_text(info));
  std::fflush(stdout);
  if (info["Warnings"].is_array())
    for (const auto &w : info["Warnings"])
      fmt::print(stderr, "{}\n", w.get<std::string>());
  return 0;
}

} // namespace

Command cmd_info() {
  return {"info", "[OPTIONS]", "Display system-wide information",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"}},
          "", true, false, 0, 0, {"system info"}, run_info};
}

} // namespace skiff::cli
