#include "skiff/engine/container_filter.hpp"

#include <algorithm>

#include "skiff/engine/image_filter.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/spec/ports.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::engine {

namespace {

// moby's acceptedPsFilterTags, less health, which needs health checks
// skiff does not run yet.
const std::vector<std::string_view> kAccepted{"ancestor", "before", "expose",  "exited",  "id",     "isolation",
                                              "is-task",  "label",  "name",    "network", "publish", "since",
                                              "status",   "volume"};

constexpr const char *kStates[] = {"created", "restarting", "running", "removing", "paused", "exited", "dead"};

Error invalid(const std::string &key, const std::string &value) {
  return make_error(Errc::invalid, "invalid filter '{}={}'", key, value);
}

// A container by full ID, ID prefix or name, as idOrNameFilter finds it.
const ContainerView *find(const std::vector<ContainerView> &all, const std::string &ref) {
  std::string name = ref.rfind('/', 0) == 0 ? ref.substr(1) : ref;
  for (const auto &v : all)
    if (v.config.id == ref || v.config.name == name)
      return &v;
  const ContainerView *found = nullptr;
  for (const auto &v : all)
    if (v.config.id.rfind(ref, 0) == 0) {
      if (found)
        return nullptr;  // ambiguous
      found = &v;
    }
  return found;
}

// moby's portOp: PORT[/PROTO] or FIRST-LAST[/PROTO] as the ports
// ("80/tcp") it stands for.
Result<std::vector<std::string>> filter_ports(const std::string &key, const std::string &value) {
  if (value.find(':') != std::string::npos)
    return make_error(Errc::invalid, "filter for '{}' should not contain ':': {}", key, value);
  auto slash = value.find('/');
  std::string port = value.substr(0, slash);
  std::string proto = slash == std::string::npos || slash + 1 == value.size() ? "tcp" : value.substr(slash + 1);
  auto range = spec::parse_port_range(port);
  if (!range)
    return make_error(Errc::invalid, "error while looking up for {} {}: {}", key, value, range.error().message);
  std::vector<std::string> out;
  for (unsigned p = range->first; p <= range->last; p++)
    out.push_back(std::to_string(p) + "/" + proto);
  return out;
}

} // namespace

std::string network_name(const std::string &mode) {
  // The default network is shown as podman shows its own: "slirp4netns",
  // the name of this network (libslirp's, at the same addresses) there.
  return mode == "default" ? "slirp4netns" : mode;
}

Result<ContainerFilter> parse_container_filter(const std::vector<std::string> &words,
                                               const std::vector<ContainerView> &all) {
  ContainerFilter f;
  for (const auto &w : words) {
    auto kv = TRY(filter_word(w, kAccepted));
    f.values[kv.first].push_back(kv.second);
  }
  for (const auto &[key, values] : f.values) {
    for (const auto &v : values) {
      if (key == "status") {
        if (std::find(std::begin(kStates), std::end(kStates), v) == std::end(kStates))
          return invalid(key, v);
        f.shows_all = true;
      } else if (key == "exited" && !str::to_int(v)) {
        return invalid(key, v);
      } else if (key == "is-task" && v != "true" && v != "false") {
        return invalid(key, v);
      } else if (key == "publish" || key == "expose") {
        TRY_STATUS(filter_ports(key, v));
      } else if (key == "before" || key == "since") {
        const ContainerView *c = find(all, v);
        if (!c)
          return make_error(Errc::not_found, "No such container: {}", v);
        (key == "before" ? f.before : f.since) = c->config.created;
        (key == "before" ? f.before_id : f.since_id) = c->config.id;
      }
    }
  }
  return f;
}

bool ContainerFilter::matches(const ContainerView &v) const {
  const auto &c = v.config;
  // Newest first, as Docker lists them: before= skips down to the named
  // container, since= stops there.
  if (before && (c.created > *before || (c.created == *before && c.id == before_id)))
    return false;
  if (since && (c.created < *since || (c.created == *since && c.id == since_id)))
    return false;
  for (const auto &[key, vals] : values) {
    bool ok = true;
    if (key == "name")
      ok = any_value_matches(vals, c.name) || any_value_matches(vals, "/" + c.name);
    else if (key == "id")
      ok = std::any_of(vals.begin(), vals.end(), [&](const auto &p) { return c.id.rfind(p, 0) == 0; });
    else if (key == "status")
      ok = any_value_matches(vals, status_name(v.state.status));
    else if (key == "label")
      ok = labels_match(vals, c.labels);
    else if (key == "exited")
      ok = v.state.status == RunStatus::exited && v.state.finished_at != 0 &&
           std::any_of(vals.begin(), vals.end(), [&](const auto &x) { return str::to_int(x) == v.state.exit_code; });
    else if (key == "is-task")
      ok = std::find(vals.begin(), vals.end(), "false") != vals.end();  // no swarm: no container is a task
    else if (key == "isolation")
      ok = any_value_matches(vals, "default");  // Linux has one
    else if (key == "network")
      ok = std::any_of(vals.begin(), vals.end(), [&](const auto &n) { return n == network_name(c.network); });
    else if (key == "volume")
      ok = std::any_of(vals.begin(), vals.end(), [&](const auto &x) {
        return std::any_of(c.mounts.begin(), c.mounts.end(), [&](const auto &m) {
          return m.type != "tmpfs" && (m.destination == x || m.source == x);
        });
      });
    else if (key == "publish" || key == "expose")
      // publish= asks for a container port with a -p binding, expose= for
      // an exposed one (moby matches HostConfig.PortBindings' keys and
      // Config.ExposedPorts).
      ok = std::any_of(vals.begin(), vals.end(), [&](const auto &x) {
        auto ports = filter_ports(key, x);
        return ports && std::any_of(ports->begin(), ports->end(), [&](const std::string &p) {
                 if (key == "expose")
                   return std::find(c.exposed_ports.begin(), c.exposed_ports.end(), p) != c.exposed_ports.end();
                 return std::any_of(c.port_bindings.begin(), c.port_bindings.end(),
                                    [&](const auto &b) { return b.port == p; });
               });
      });
    else if (key == "ancestor")
      ok = std::any_of(vals.begin(), vals.end(), [&](const auto &a) {
        if (c.image_id.rfind(a, 0) == 0 || c.image_name == a)
          return true;
        auto ref = image::parse_reference(a);
        return ref && std::find(v.image.names.begin(), v.image.names.end(), ref->full()) != v.image.names.end();
      });
    if (!ok)
      return false;
  }
  return true;
}

} // namespace skiff::engine
