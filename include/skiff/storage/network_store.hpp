// Network records: ROOT/networks/<id>.json, one file per network (64-hex
// ID as Docker's), written atomically under ROOT/networks.lock so that
// names stay unique. The built-in networks (bridge, host, none) are
// records too, made on first need by the engine.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/util/lock.hpp"
#include "skiff/util/result.hpp"

namespace skiff::storage {

struct NetworkSubnet {
  std::string subnet;    // CIDR as given or chosen ("172.18.0.0/16")
  std::string gateway;   // always set: given, or the first host address
  std::string ip_range;  // CIDR, or empty
  bool user_subnet = false;   // --subnet gave it (a default pool otherwise)
  bool user_gateway = false;  // --gateway gave it
};

struct NetworkRecord {
  std::string id;       // 64 hex
  std::string name;
  int64_t created = 0;  // ns
  std::string driver;   // "bridge", "host", "null"
  std::vector<NetworkSubnet> subnets;  // IPv4 first, then IPv6
  bool ipv6 = false;
  bool internal = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;  // -o, as given
  std::string bridge;   // the Linux bridge: br-<id12> or -o com.docker.network.bridge.name

  nlohmann::json to_json() const;
};

// A record as read back, every field checked by type; problems name
// `source` (the file).
Result<NetworkRecord> parse_network_record(std::string_view text, const std::string &source);

// bridge, host and none: Docker's predefined networks.
bool is_predefined_network(std::string_view name);

// moby's FindNetwork: a full ID, else one exact name, else one ID prefix;
// "network X not found" and "network X is ambiguous (...)" otherwise.
Result<NetworkRecord> find_network_in(const std::vector<NetworkRecord> &all, std::string_view ref);

class NetworkStore {
public:
  explicit NetworkStore(std::string root) : dir_(std::move(root) + "/networks") {}

  const std::string &dir() const { return dir_; }
  // Held by every change of the records (and while a change is decided).
  Result<FileLock> lock() const;
  // Every record, sorted by name. A record removed meanwhile is skipped.
  Result<std::vector<NetworkRecord>> list() const;
  // Under the lock: write (fsynced, renamed into place) and remove.
  Status write(const NetworkRecord &n) const;
  Status remove(const std::string &id) const;
  // Under the lock: temp files of writers killed before their rename.
  void sweep_temp_files() const;

private:
  std::string dir_;
};

} // namespace skiff::storage
