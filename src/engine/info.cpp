// inspect's GraphDriver, sizes and network addresses.
#include "skiff/engine/info.hpp"

#include <algorithm>

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "store_access.hpp"

namespace skiff::engine {

// Data: the directories of a driver that stacks layers, none for one that
// copies them.
GraphDriver image_graph_driver(Engine &eng, const ImageRecord &img) {
  const auto &store = store_of(eng);
  const auto &driver = storage::layer_driver(store.driver());
  GraphDriver g{std::string(driver.name), {}};
  if (driver.copies_root || img.layers.empty())
    return g;
  std::vector<std::string> dirs;
  for (auto l = img.layers.rbegin(); l != img.layers.rend(); ++l)
    dirs.push_back(store.layer_dir(*l) + "/diff");
  g.data["UpperDir"] = dirs.front();
  if (dirs.size() > 1)
    g.data["LowerDir"] = str::join(std::vector<std::string>(dirs.begin() + 1, dirs.end()), ":");
  return g;
}

GraphDriver container_graph_driver(Engine &eng, const ContainerView &v) {
  const auto &store = store_of(eng);
  const auto &driver = storage::layer_driver(store.driver_of(v.config));
  GraphDriver g{std::string(driver.name), {}};
  if (driver.copies_root)
    return g;
  std::vector<std::string> lower;
  for (auto l = v.image.layers.rbegin(); l != v.image.layers.rend(); ++l)
    lower.push_back(store.layer_dir(*l) + "/diff");
  std::string dir = store.container_dir(v.config.id);
  g.data = {{"LowerDir", str::join(lower, ":")}, {"UpperDir", dir + "/upper"}, {"WorkDir", dir + "/work"}};
  return g;
}

std::string container_log_path(Engine &eng, const ContainerView &v) {
  return store_of(eng).container_log_path(v.config.id);
}

ContainerSize container_size(Engine &eng, const ContainerView &v) {
  const auto &store = store_of(eng);
  int64_t image = v.image.size;
  int64_t rw;
  if (storage::layer_driver(store.driver_of(v.config)).copies_root)
    rw = std::max<int64_t>(0, static_cast<int64_t>(fs::tree_size(store.root_copy_dir(v.config.id))) - image);
  else
    rw = static_cast<int64_t>(fs::tree_size(store.container_dir(v.config.id) + "/upper"));
  return {rw, rw + image};
}

NetworkAddresses network_addresses(const std::string &network_mode) {
  return network::user_net_addresses(network::user_net_helper(network_mode));
}

} // namespace skiff::engine
