// Names for shell completion.
#include "skiff/engine/completion.hpp"

#include "skiff/image/reference.hpp"
#include "skiff/runtime/caps.hpp"
#include "skiff/storage/network_store.hpp"
#include "skiff/util/fs.hpp"
#include "store_access.hpp"

namespace skiff::engine {

std::vector<std::string> container_names(Engine &eng, NameFilter f) {
  std::vector<std::string> out;
  auto &store = store_of(eng);
  for (const auto &id : store.container_ids().value_or({})) {
    auto rec = store.read_container(id);
    if (!rec)
      continue;
    bool running = rec->state.status == RunStatus::running;
    if ((f == NameFilter::running && !running) || (f == NameFilter::stopped && running))
      continue;
    out.push_back(rec->config.name);
  }
  return out;
}

std::vector<std::string> image_names(Engine &eng) {
  std::vector<std::string> out;
  for (const auto &img : store_of(eng).images().value_or({}))
    for (const auto &n : img.names)
      if (auto r = image::parse_reference(n))
        out.push_back(r->familiar());
  return out;
}

std::vector<std::string> volume_names(Engine &eng) {
  return fs::list_dir(eng.options().root + "/volumes").value_or({});
}

std::vector<std::string> network_names(Engine &eng) {
  // The built-ins are there for any command that looks (made on first need).
  std::vector<std::string> out = {"bridge", "host", "none"};
  for (const auto &n : storage::NetworkStore(eng.options().root).list().value_or({}))
    if (!storage::is_predefined_network(n.name))
      out.push_back(n.name);
  return out;
}

std::vector<std::string> capability_names() { return runtime::all_caps(); }

} // namespace skiff::engine
