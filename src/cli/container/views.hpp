// Containers as Docker shows them: the ps row, the status words and the
// inspect JSON (Engine API ContainerJSON shape).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "skiff/engine/container_networks.hpp"
#include "skiff/engine/info.hpp"

namespace skiff::cli {

// "Up 2 minutes", "Exited (0) 1 minute ago", "Created", "Restarting (1) 3 seconds ago".
std::string status_text(const engine::ContainerState &s, int64_t now_ns);
// `size`: the writable layer's and the virtual size, when asked for.
nlohmann::json ps_row(const engine::ContainerView &v, bool no_trunc, int64_t now_ns,
                      const std::optional<engine::ContainerSize> &size);
// The row docker/cli checks a --format on before listing.
nlohmann::json ps_empty_row();
nlohmann::json ps_headers();
// `driver`: the container's GraphDriver (its name is also Driver);
// `log_path`: its json-file log; `size`: SizeRw and SizeRootFs, shown when
// asked for (--size).
nlohmann::json inspect_json(const engine::ContainerView &v, const engine::Options &opts,
                            const engine::GraphDriver &driver, const std::string &log_path,
                            const std::optional<engine::ContainerSize> &size,
                            const std::vector<engine::ContainerNetwork> &networks);

} // namespace skiff::cli
