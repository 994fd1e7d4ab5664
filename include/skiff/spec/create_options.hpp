// What a caller asks a new container to be, before the image's defaults
// are merged in: everything `run` and `create` accept, already parsed from
// their string forms (spec/parse.hpp). The CLI fills it from flags; build
// and compose fill it directly. Plain data.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skiff/storage/container_config.hpp"

namespace skiff::spec {

struct CreateOptions {
  std::string name;   // empty: a random name
  std::string image;  // as the user wrote it: a name, name:tag, name@digest or an ID

  // What runs. `cmd` empty: the image's CMD, unless `entrypoint` is set,
  // which drops the image's CMD; an empty `entrypoint` clears the image's
  // (Docker's `--entrypoint ""`).
  std::optional<std::string> entrypoint;
  std::vector<std::string> cmd;

  // The environment, later entries winning: the image's, then each env
  // file's, then `env`. An entry without "=" (in `env` or a file) takes its
  // value from `host_env`, and is left out when that has none.
  std::vector<std::string> env_files;  // contents, in order
  std::vector<std::string> env;        // -e
  std::vector<std::string> host_env;   // the caller's environment, "KEY=value"

  std::string user;     // empty: the image's
  std::vector<std::string> group_add;  // --group-add: group names or IDs, resolved at start
  std::string workdir;  // empty: the image's
  std::string hostname; // empty: the container's short ID
  std::vector<std::string> extra_hosts;  // --add-host "name:ip" (or "name=ip"), in /etc/hosts
  std::vector<std::string> dns, dns_search, dns_options;  // --dns (IPs), --dns-search, --dns-option
  std::map<std::string, std::string> labels;  // over the image's

  // -v, --mount and --tmpfs in that order; the image's VOLUMEs are added
  // where nothing else is mounted.
  std::vector<storage::MountConfig> mounts;
  std::vector<storage::DeviceMapping> devices;
  std::vector<std::string> device_cgroup_rules;  // "c 1:3 rwm", checked by the engine
  std::vector<storage::Ulimit> ulimits;
  storage::Limits limits;
  storage::RestartPolicy restart;
  std::string stop_signal;  // empty: the image's
  std::optional<int> stop_timeout;
  // Over the image's HEALTHCHECK field by field: an empty test or a 0
  // takes the image's value. None: the image's as it is.
  std::optional<image::Healthcheck> healthcheck;

  bool tty = false;
  bool open_stdin = false;
  // Docker's Config.Attach*: a foreground run (and create) attaches
  // stdout and stderr, and stdin with -i; a foreground run -i closes
  // stdin when its client goes (StdinOnce).
  bool attach_stdin = false;
  bool attach_stdout = false;
  bool attach_stderr = false;
  bool stdin_once = false;
  bool init = false;
  bool read_only = false;
  bool privileged = false;
  bool no_new_privileges = false;
  bool auto_remove = false;
  std::vector<std::string> cap_add;   // as given; the engine checks the names
  std::vector<std::string> cap_drop;
  std::string seccomp;     // "" default profile, "unconfined", or a profile's JSON
  // --network, in order: networks by name or ID, or one mode (bridge,
  // none, host, container:NAME, slirp4netns, pasta); empty: bridge.
  std::vector<std::string> networks;
  std::vector<std::string> network_aliases;  // --network-alias, on the first network
  std::string ip, ip6, mac_address;          // --ip, --ip6, --mac-address, on the first network
  std::vector<std::string> links;            // --link NAME[:ALIAS]
  std::vector<storage::PortBinding> publish;  // -p, ranges expanded (spec/ports.hpp)
  std::vector<std::string> expose;            // --expose: "80/tcp" per port
  bool publish_all = false;                   // -P
  std::string userns;      // "", "host" or "keep-id"
  std::string log_driver;  // "": json-file
};

} // namespace skiff::spec
