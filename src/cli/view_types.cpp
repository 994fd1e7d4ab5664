// The Go types of moby's api/types and docker/cli's formatter contexts
// (Docker 28), for templates: every object not named as a map is a struct,
// whose missing field is an error; the omitted fields are the omitempty
// ones Docker's JSON leaves out, which a template still reads as their Go
// zero value ("<nil>" for a nil pointer).
#include "view_types.hpp"

namespace skiff::cli {

using gotmpl::Types;

namespace {

// The zero value of a map[string]string's elements.
const std::string kString = "\"\"";

using Keys = std::vector<std::string>;

// container.Config's fields in order, its maps and omitempty fields, under `at`.
void add_config(Types &t, const std::string &at) {
  t.order[at] = {"Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr",
                 "ExposedPorts", "Tty", "OpenStdin", "StdinOnce", "Env", "Cmd", "Healthcheck",
                 "ArgsEscaped", "Image", "Volumes", "WorkingDir", "Entrypoint", "NetworkDisabled",
                 "MacAddress", "OnBuild", "Labels", "StopSignal", "StopTimeout", "Shell"};
  for (const char *s : {".Cmd", ".Env", ".Entrypoint", ".OnBuild", ".Shell", ".Healthcheck.Test"})
    t.slices.insert(at + s);
  t.order[at + ".Healthcheck"] = {"Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"};
  // index of a missing port gives no value: a string is no nat.Port, so
  // docker falls back on the raw JSON.
  t.maps.insert({{at + ".ExposedPorts", ""}, {at + ".Volumes", "{}"}, {at + ".Labels", kString}});
  t.omitted.insert({{at + ".ExposedPorts", "{}"},
                    {at + ".Healthcheck", "null"},
                    {at + ".ArgsEscaped", "false"},
                    {at + ".NetworkDisabled", "false"},
                    {at + ".MacAddress", "\"\""},
                    {at + ".StopSignal", "\"\""},
                    {at + ".StopTimeout", "null"},
                    {at + ".Shell", "[]"}});
}

Types make_container() {
  Types t;
  t.root = "container.InspectResponse";
  t.maps = {{"HostConfig.LogConfig.Config", kString},
            {"HostConfig.PortBindings", ""},
            {"HostConfig.StorageOpt", kString},
            {"HostConfig.Tmpfs", kString},
            {"HostConfig.Sysctls", kString},
            {"HostConfig.Annotations", kString},
            {"HostConfig.Mounts.[].VolumeOptions.Labels", kString},
            {"HostConfig.Mounts.[].VolumeOptions.DriverConfig.Options", kString},
            {"NetworkSettings.Ports", ""},
            {"NetworkSettings.Networks", "null"},
            {"NetworkSettings.Networks.*.DriverOpts", kString},
            {"GraphDriver.Data", kString}};
  t.omitted = {{"SizeRw", "null"},
               {"SizeRootFs", "null"},
               {"ImageManifestDescriptor", "null"},
               {"State.Health", "null"},
               {"Mounts.[].Name", "\"\""},
               {"Mounts.[].Driver", "\"\""},
               {"HostConfig.Annotations", "{}"},
               // Docker 28's EndpointSettings fields skiff's JSON lacks.
               {"NetworkSettings.Networks.*.GwPriority", "0"},
               {"NetworkSettings.Networks.*.DNSNames", "null"}};
  // The fields of ContainerJSONBase and container.Resources whose JSON
  // key is spelt otherwise.
  t.keys = {{"ID", "Id"},
            {"HostConfig.CPUShares", "CpuShares"},
            {"HostConfig.NanoCPUs", "NanoCpus"},
            {"HostConfig.CPUPeriod", "CpuPeriod"},
            {"HostConfig.CPUQuota", "CpuQuota"},
            {"HostConfig.CPURealtimePeriod", "CpuRealtimePeriod"},
            {"HostConfig.CPURealtimeRuntime", "CpuRealtimeRuntime"},
            {"HostConfig.CPUCount", "CpuCount"},
            {"HostConfig.CPUPercent", "CpuPercent"},
            {"HostConfig.DNS", "Dns"},
            {"HostConfig.DNSOptions", "DnsOptions"},
            {"HostConfig.DNSSearch", "DnsSearch"}};
  // Go's field order (moby api/types, Docker 28): ContainerJSONBase's,
  // then InspectResponse's own; HostConfig embeds Resources in its middle,
  // NetworkSettings its Base and DefaultNetworkSettings first.
  t.order = {
      {"", {"Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath", "HostsPath",
            "LogPath", "Name", "RestartCount", "Driver", "Platform", "MountLabel", "ProcessLabel",
            "AppArmorProfile", "ExecIDs", "HostConfig", "GraphDriver", "SizeRw", "SizeRootFs", "Mounts", "Config",
            "NetworkSettings", "ImageManifestDescriptor"}},
      {"State", {"Status", "Running", "Paused", "Restarting", "OOMKilled", "Dead", "Pid", "ExitCode", "Error",
                 "StartedAt", "FinishedAt", "Health"}},
      {"State.Health", {"Status", "FailingStreak", "Log"}},
      {"State.Health.Log.[]", {"Start", "End", "ExitCode", "Output"}},
      {"HostConfig",
       {"Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings", "RestartPolicy", "AutoRemove",
        "VolumeDriver", "VolumesFrom", "ConsoleSize", "Annotations", "CapAdd", "CapDrop", "CgroupnsMode", "Dns",
        "DnsOptions", "DnsSearch", "ExtraHosts", "GroupAdd", "IpcMode", "Cgroup", "Links", "OomScoreAdj",
        "PidMode", "Privileged", "PublishAllPorts", "ReadonlyRootfs", "SecurityOpt", "StorageOpt", "Tmpfs",
        "UTSMode", "UsernsMode", "ShmSize", "Sysctls", "Runtime", "Isolation",
        // Resources
        "CpuShares", "Memory", "NanoCpus", "CgroupParent", "BlkioWeight", "BlkioWeightDevice",
        "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod",
        "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems", "Devices",
        "DeviceCgroupRules", "DeviceRequests", "KernelMemory", "KernelMemoryTCP", "MemoryReservation",
        "MemorySwap", "MemorySwappiness", "OomKillDisable", "PidsLimit", "Ulimits", "CpuCount", "CpuPercent",
        "IOMaximumIOps", "IOMaximumBandwidth",
        // HostConfig's own again
        "Mounts", "MaskedPaths", "ReadonlyPaths", "Init"}},
      {"HostConfig.LogConfig", {"Type", "Config"}},
      {"HostConfig.PortBindings.*.[]", {"HostIp", "HostPort"}},
      {"HostConfig.RestartPolicy", {"Name", "MaximumRetryCount"}},
      {"HostConfig.Devices.[]", {"PathOnHost", "PathInContainer", "CgroupPermissions"}},
      {"HostConfig.Ulimits.[]", {"Name", "Hard", "Soft"}},
      {"HostConfig.Mounts.[]", {"Type", "Source", "Target", "ReadOnly", "Consistency", "BindOptions",
                                "VolumeOptions", "ImageOptions", "TmpfsOptions", "ClusterOptions"}},
      {"HostConfig.Mounts.[].BindOptions",
       {"Propagation", "NonRecursive", "CreateMountpoint", "ReadOnlyNonRecursive", "ReadOnlyForceRecursive"}},
      {"HostConfig.Mounts.[].VolumeOptions", {"NoCopy", "Labels", "Subpath", "DriverConfig"}},
      {"HostConfig.Mounts.[].VolumeOptions.DriverConfig", {"Name", "Options"}},
      {"HostConfig.Mounts.[].TmpfsOptions", {"SizeBytes", "Mode", "Options"}},
      {"GraphDriver", {"Data", "Name"}},
      {"Mounts.[]", {"Type", "Name", "Source", "Destination", "Driver", "Mode", "RW", "Propagation"}},
      {"NetworkSettings",
       {"Bridge", "SandboxID", "SandboxKey", "Ports", "HairpinMode", "LinkLocalIPv6Address",
        "LinkLocalIPv6PrefixLen", "SecondaryIPAddresses", "SecondaryIPv6Addresses", "EndpointID", "Gateway",
        "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPAddress", "IPPrefixLen", "IPv6Gateway", "MacAddress",
        "Networks"}},
      {"NetworkSettings.Ports.*.[]", {"HostIp", "HostPort"}},
      {"NetworkSettings.Networks.*",
       {"IPAMConfig", "Links", "Aliases", "MacAddress", "DriverOpts", "GwPriority", "NetworkID", "EndpointID",
        "Gateway", "IPAddress", "IPPrefixLen", "IPv6Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen",
        "DNSNames"}},
      {"NetworkSettings.Networks.*.IPAMConfig", {"IPv4Address", "IPv6Address", "LinkLocalIPs"}},
  };
  t.slices = {"Args", "ExecIDs", "Mounts", "NetworkSettings.SecondaryIPAddresses",
              "NetworkSettings.SecondaryIPv6Addresses", "NetworkSettings.Networks.*.Links",
              "NetworkSettings.Networks.*.Aliases", "NetworkSettings.Networks.*.DNSNames"};
  for (const char *s : {"Binds", "VolumesFrom", "CapAdd", "CapDrop", "Dns", "DnsOptions", "DnsSearch", "ExtraHosts",
                        "GroupAdd", "Links", "SecurityOpt", "BlkioWeightDevice", "BlkioDeviceReadBps",
                        "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "Devices",
                        "DeviceCgroupRules", "DeviceRequests", "Ulimits", "Mounts", "MaskedPaths", "ReadonlyPaths"})
    t.slices.insert(std::string("HostConfig.") + s);
  add_config(t, "Config");
  return t;
}

Types make_image() {
  Types t;
  t.root = "image.InspectResponse";
  t.keys = {{"ID", "Id"}};
  t.order = {{"", {"Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig",
                   "DockerVersion", "Author", "Config", "Architecture", "Variant", "Os", "OsVersion", "Size",
                   "VirtualSize", "GraphDriver", "RootFS", "Metadata", "Descriptor", "Manifests"}},
             {"GraphDriver", {"Data", "Name"}},
             {"RootFS", {"Type", "Layers"}}};
  t.slices = {"RepoTags", "RepoDigests", "RootFS.Layers"};
  t.maps = {{"GraphDriver.Data", kString}};
  t.omitted = {{"Parent", "\"\""},     {"Container", "\"\""},  {"ContainerConfig", "null"},
               {"DockerVersion", "\"\""}, {"Variant", "\"\""}, {"OsVersion", "\"\""},
               {"VirtualSize", "0"},    {"Descriptor", "null"}, {"Manifests", "[]"}};
  add_config(t, "Config");
  add_config(t, "ContainerConfig");
  return t;
}

Types make_volume() {
  Types t;
  t.root = "volume.Volume";
  t.order = {{"", {"ClusterVolume", "CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope",
                   "Status", "UsageData"}}};
  t.maps = {{"Labels", kString}, {"Options", kString}, {"Status", ""}};
  t.omitted = {{"ClusterVolume", "null"}, {"Status", "{}"}, {"UsageData", "null"}};
  return t;
}

// moby's network.Inspect (Docker 28's, less its swarm fields): EnableIPv4,
// which API 1.47 added and skiff's networks always have, reads true.
Types make_network() {
  Types t;
  t.root = "network.Inspect";
  t.keys = {{"ID", "Id"}};
  t.order = {{"", {"Name", "Id", "Created", "Scope", "Driver", "EnableIPv4", "EnableIPv6", "IPAM", "Internal",
                   "Attachable", "Ingress", "ConfigFrom", "ConfigOnly", "Containers", "Options", "Labels", "Peers",
                   "Services", "Status"}},
             {"IPAM", {"Driver", "Options", "Config"}},
             {"IPAM.Config.[]", {"Subnet", "IPRange", "Gateway", "AuxiliaryAddresses"}},
             {"Containers.*", {"Name", "EndpointID", "MacAddress", "IPv4Address", "IPv6Address"}}};
  t.structs = {{"IPAM", "network.IPAM"}, {"ConfigFrom", "network.ConfigReference"},
               {"Containers.*", "network.EndpointResource"}};
  t.maps = {{"IPAM.Options", kString}, {"Containers", ""}, {"Options", kString}, {"Labels", kString}};
  t.slices = {"IPAM.Config"};
  t.omitted = {{"EnableIPv4", "true"},
               {"IPAM.Config.[].Subnet", "\"\""},
               {"IPAM.Config.[].IPRange", "\"\""},
               {"IPAM.Config.[].Gateway", "\"\""},
               {"IPAM.Config.[].AuxiliaryAddresses", "{}"},
               {"Peers", "[]"},
               {"Services", "{}"},
               {"Status", "null"}};
  return t;
}

// Nil slices are "[]", as Go prints them.

// docker/cli's clientVersion (Docker 28) under `at`, its omitempty fields
// the ones skiff may leave empty.
void add_client_version(Types &t, const std::string &at) {
  t.keys.insert({at + ".APIVersion", "ApiVersion"});
  t.order[at] = {"Platform", "Version", "ApiVersion", "DefaultAPIVersion", "GitCommit", "GoVersion", "Os", "Arch",
                 "BuildTime", "Context"};
  t.omitted.insert({{at + ".Platform", "null"},
                    {at + ".APIVersion", "\"\""},
                    {at + ".GitCommit", "\"\""},
                    {at + ".BuildTime", "\"\""}});
}

// docker/cli's dockerInfo: moby's system.Info embedded, and ClientInfo.
Types make_info() {
  Types t;
  t.root = "system.dockerInfo";
  t.structs = {{"Plugins", "system.PluginsInfo"},
               {"RegistryConfig", "*registry.ServiceConfig"},
               {"RegistryConfig.IndexConfigs.*", "*registry.IndexInfo"},
               {"Runtimes.*", "system.RuntimeWithStatus"},
               {"Swarm", "swarm.Info"},
               {"ContainerdCommit", "system.Commit"},
               {"RuncCommit", "system.Commit"},
               {"InitCommit", "system.Commit"},
               {"ClientInfo", "*system.clientInfo"}};
  t.maps = {{"RegistryConfig.IndexConfigs", "null"}, {"Runtimes", ""}, {"Runtimes.*.Status", kString}};
  t.keys = {{"CPUCfsPeriod", "CpuCfsPeriod"},     {"CPUCfsQuota", "CpuCfsQuota"},
            {"HTTPProxy", "HttpProxy"},           {"HTTPSProxy", "HttpsProxy"},
            {"Runtimes.*.Path", "path"},          {"Runtimes.*.Args", "runtimeArgs"},
            {"Runtimes.*.Type", "runtimeType"},   {"Runtimes.*.Options", "options"},
            {"Runtimes.*.Status", "status"}};
  t.omitted = {{"SystemStatus", "[]"},
               {"KernelMemory", "false"},
               {"KernelMemoryTCP", "false"},
               {"CgroupVersion", "\"\""},
               {"ProductLicense", "\"\""},
               {"DefaultAddressPools", "[]"},
               {"FirewallBackend", "null"},
               {"DiscoveredDevices", "[]"},
               {"Containerd", "null"},
               {"ServerErrors", "[]"},
               {"UserName", "\"\""},  // json:"-"
               {"ClientErrors", "[]"},
               {"RegistryConfig.AllowNondistributableArtifactsCIDRs", "[]"},
               {"RegistryConfig.AllowNondistributableArtifactsHostnames", "[]"},
               {"RegistryConfig.ExtraFields", "null"},
               {"Runtimes.*.Path", "\"\""},
               {"Runtimes.*.Args", "[]"},
               {"Runtimes.*.Type", "\"\""},
               {"Runtimes.*.Options", "null"},
               {"Runtimes.*.Status", "null"},
               {"Swarm.Nodes", "0"},
               {"Swarm.Managers", "0"},
               {"Swarm.Cluster", "null"},
               {"Swarm.Warnings", "[]"},
               {"ContainerdCommit.Expected", "\"\""},
               {"RuncCommit.Expected", "\"\""},
               {"InitCommit.Expected", "\"\""}};
  t.order = {
      {"", {"ID", "Containers", "ContainersRunning", "ContainersPaused", "ContainersStopped", "Images", "Driver",
            "DriverStatus", "SystemStatus", "Plugins", "MemoryLimit", "SwapLimit", "KernelMemory",
            "KernelMemoryTCP", "CpuCfsPeriod", "CpuCfsQuota", "CPUShares", "CPUSet", "PidsLimit",
            "IPv4Forwarding", "Debug", "NFd", "OomKillDisable", "NGoroutines", "SystemTime", "LoggingDriver",
            "CgroupDriver", "CgroupVersion", "NEventsListener", "KernelVersion", "OperatingSystem", "OSVersion",
            "OSType", "Architecture", "IndexServerAddress", "RegistryConfig", "NCPU", "MemTotal",
            "GenericResources", "DockerRootDir", "HttpProxy", "HttpsProxy", "NoProxy", "Name", "Labels",
            "ExperimentalBuild", "ServerVersion", "Runtimes", "DefaultRuntime", "Swarm", "LiveRestoreEnabled",
            "Isolation", "InitBinary", "ContainerdCommit", "RuncCommit", "InitCommit", "SecurityOptions",
            "ProductLicense", "DefaultAddressPools", "FirewallBackend", "CDISpecDirs", "DiscoveredDevices",
            "Containerd", "Warnings", "ServerErrors", "ClientInfo", "ClientErrors"}},
      {"Plugins", {"Volume", "Network", "Authorization", "Log"}},
      {"Runtimes.*", {"path", "runtimeArgs", "runtimeType", "options", "status"}},
      {"Swarm", {"NodeID", "NodeAddr", "LocalNodeState", "ControlAvailable", "Error", "RemoteManagers", "Nodes",
                 "Managers", "Cluster", "Warnings"}},
      {"ContainerdCommit", {"ID", "Expected"}},
      {"RuncCommit", {"ID", "Expected"}},
      {"InitCommit", {"ID", "Expected"}},
  };
  t.slices = {"DriverStatus", "SystemStatus", "Plugins.Volume", "Plugins.Network", "Plugins.Authorization",
              "Plugins.Log", "GenericResources", "Labels", "Swarm.RemoteManagers", "SecurityOptions", "CDISpecDirs",
              "Warnings", "ClientInfo.Plugins", "ClientInfo.Warnings"};
  // RegistryConfig is left sorted: registry.ServiceConfig's MarshalJSON
  // goes through a map.
  add_client_version(t, "ClientInfo");
  // clientInfo: Debug, the clientVersion it embeds, Plugins, Warnings.
  Keys &client = t.order["ClientInfo"];
  client.insert(client.begin(), "Debug");
  client.insert(client.end(), {"Plugins", "Warnings"});
  return t;
}

// docker/cli's versionInfo: its clientVersion, and moby's types.Version.
Types make_version() {
  Types t;
  t.root = "system.versionInfo";
  t.structs = {{"Client", "system.clientVersion"},
               {"Server", "*types.Version"},
               {"Server.Platform", "struct { Name string }"},
               {"Server.Components.[]", "types.ComponentVersion"}};
  t.maps = {{"Server.Components.[].Details", kString}};
  t.keys = {{"Server.APIVersion", "ApiVersion"}};
  t.omitted = {{"Server.Components", "[]"},       {"Server.MinAPIVersion", "\"\""},
               {"Server.KernelVersion", "\"\""},   {"Server.Experimental", "false"},
               {"Server.BuildTime", "\"\""},       {"Server.Components.[].Details", "null"}};
  t.order = {{"", {"Client", "Server"}},
             {"Server", {"Platform", "Components", "Version", "ApiVersion", "MinAPIVersion", "GitCommit",
                         "GoVersion", "Os", "Arch", "KernelVersion", "Experimental", "BuildTime"}},
             {"Server.Components.[]", {"Name", "Version", "Details"}}};
  t.slices = {"Server.Components"};
  add_client_version(t, "Client");
  return t;
}

Types row(const char *type, bool label_method) {
  Types t;
  t.root = type;
  if (label_method)
    t.methods = {"Label"};
  t.escapes_html = true;
  return t;
}

} // namespace

const Types &container_inspect_types() {
  static const Types t = make_container();
  return t;
}

const Types &image_inspect_types() {
  static const Types t = make_image();
  return t;
}

const Types &volume_inspect_types() {
  static const Types t = make_volume();
  return t;
}

const Types &network_inspect_types() {
  static const Types t = make_network();
  return t;
}

const Types &info_types() {
  static const Types t = make_info();
  return t;
}

const Types &version_types() {
  static const Types t = make_version();
  return t;
}

const Types &ps_row_types() {
  static const Types t = row("*formatter.ContainerContext", true);
  return t;
}

const Types &image_row_types() {
  static const Types t = row("*formatter.imageContext", false);
  return t;
}

const Types &volume_row_types() {
  static const Types t = row("*formatter.volumeContext", true);
  return t;
}

const Types &network_row_types() {
  static const Types t = row("*network.networkContext", true);
  return t;
}

const Types &history_row_types() {
  static const Types t = row("*image.historyContext", false);
  return t;
}

const Types &search_row_types() {
  static const Types t = row("*registry.searchContext", false);
  return t;
}

} // namespace skiff::cli
