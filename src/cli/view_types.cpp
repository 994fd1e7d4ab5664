// The Go types of moby's api/types and docker/cli's formatter contexts
// (Docker 28), for templates: every object not named as a map is a struct,
// whose missing field is an error; the omitted fields are the omitempty
// ones Docker's JSON leaves out, which a template still reads as their Go
// zero value ("<nil>" for a nil pointer).
#include "view_types.hpp"

namespace skiff::cli {

using gotmpl::Types;

namespace {

// container.Config's maps and omitempty fields, under `at`.
void add_config(Types &t, const std::string &at) {
  for (const char *m : {"ExposedPorts", "Volumes", "Labels"})
    t.maps.insert(at + "." + m);
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
  t.maps = {"HostConfig.LogConfig.Config",
            "HostConfig.PortBindings",
            "HostConfig.StorageOpt",
            "HostConfig.Tmpfs",
            "HostConfig.Sysctls",
            "HostConfig.Annotations",
            "HostConfig.Mounts.[].VolumeOptions.Labels",
            "HostConfig.Mounts.[].VolumeOptions.DriverConfig.Options",
            "NetworkSettings.Ports",
            "NetworkSettings.Networks",
            "NetworkSettings.Networks.*.DriverOpts",
            "GraphDriver.Data"};
  t.omitted = {{"SizeRw", "null"},
               {"SizeRootFs", "null"},
               {"Node", "null"},
               {"ImageManifestDescriptor", "null"},
               {"State.Health", "null"},
               {"Mounts.[].Name", "\"\""},
               {"Mounts.[].Driver", "\"\""},
               {"HostConfig.Annotations", "{}"}};
  add_config(t, "Config");
  return t;
}

Types make_image() {
  Types t;
  t.root = "image.InspectResponse";
  t.maps = {"GraphDriver.Data"};
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
  t.maps = {"Labels", "Options", "Status"};
  t.omitted = {{"ClusterVolume", "null"}, {"Status", "{}"}, {"UsageData", "null"}};
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

const Types &history_row_types() {
  static const Types t = row("*image.historyContext", false);
  return t;
}

const Types &search_row_types() {
  static const Types t = row("*registry.searchContext", false);
  return t;
}

} // namespace skiff::cli
