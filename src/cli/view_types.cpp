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

// container.Config's maps and omitempty fields, under `at`.
void add_config(Types &t, const std::string &at) {
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
               {"HostConfig.Annotations", "{}"}};
  add_config(t, "Config");
  return t;
}

Types make_image() {
  Types t;
  t.root = "image.InspectResponse";
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
  t.maps = {{"Labels", kString}, {"Options", kString}, {"Status", ""}};
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
