// The OCI image configuration (also Docker's image JSON): what a container
// inherits from its image, and the layers' diff IDs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/image/healthcheck.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image {

struct RunDefaults {
  std::string user;
  std::vector<std::string> env;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::vector<std::string> volumes;        // keys of "Volumes"
  std::vector<std::string> exposed_ports;  // keys of "ExposedPorts"
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::optional<Healthcheck> healthcheck;  // none: the image has no HEALTHCHECK
  bool entrypoint_set = false; // "Entrypoint": [] differs from absent
};

struct HistoryEntry {
  std::string created;
  std::string created_by;
  std::string comment;
  bool empty_layer = false;
  std::string author;  // commit -a
};

struct ImageConfig {
  std::string architecture = "amd64";
  std::string os = "linux";
  std::string created;  // RFC 3339
  std::string author;
  std::string comment;  // import --message, or what the archive says
  RunDefaults config;
  std::vector<std::string> diff_ids;
  std::vector<HistoryEntry> history;
  // Fields we do not model, kept on rewrite (an object, or none). Shared
  // and never changed, so that this header needs only json_fwd.hpp.
  std::shared_ptr<const nlohmann::json> extra;
  // Keys of "config" we do not model (Image, OnBuild, Hostname, ...), for
  // inspect to show as they are (an object, or none).
  std::shared_ptr<const nlohmann::json> config_extra;

  // Every field is checked by type; a problem names `source` (the file or
  // blob the text came from) and the field.
  static Result<ImageConfig> parse(std::string_view json_text, const std::string &source);
  nlohmann::json to_json() const;
  // Docker's "Config" object for inspect.
  nlohmann::json run_defaults_json() const;
};

// "amd64" for x86_64 and so on: the OCI architecture name of this machine.
std::string host_architecture();

} // namespace skiff::image
