// Options over the image's defaults, by Docker's rules (moby's merge of a
// container config with its image's, docker/cli's handling of
// --entrypoint).
#include "skiff/spec/merge.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include <arpa/inet.h>

#include "invalid.hpp"
#include "skiff/spec/ports.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::spec {

using storage::MountConfig;

Result<std::string> extra_host(const std::string &v) {
  auto sep = v.find_first_of(":=");
  std::string name = sep == std::string::npos ? "" : v.substr(0, sep);
  std::string ip = sep == std::string::npos ? "" : v.substr(sep + 1);
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']')
    ip = ip.substr(1, ip.size() - 2);
  if (name.empty() || ip.empty() || name.find_first_of(" \t\n") != std::string::npos)
    return invalid(fmt::format("bad format for add-host: \"{}\"", v));
  unsigned char buf[16];
  // host-gateway: the host's address as the container reaches it, known at start.
  if (ip != kHostGateway && ::inet_pton(AF_INET, ip.c_str(), buf) != 1 && ::inet_pton(AF_INET6, ip.c_str(), buf) != 1)
    return invalid(fmt::format("invalid IP address in add-host: \"{}\"", ip));
  return name + ":" + ip;
}

// The options' mounts, then the image's VOLUMEs where nothing else is.
static Result<std::vector<MountConfig>> container_mounts(const CreateOptions &o,
                                                         const std::vector<std::string> &image_volumes) {
  std::vector<MountConfig> mounts = o.mounts;
  for (const auto &v : image_volumes) {
    std::string dest = fs::clean_path(v);
    if (std::none_of(mounts.begin(), mounts.end(), [&](const auto &m) { return m.destination == dest; }))
      mounts.push_back({"volume", "", dest, false, true, {}, "image", ""});
  }
  for (size_t i = 0; i < mounts.size(); i++)
    for (size_t j = i + 1; j < mounts.size(); j++)
      if (mounts[i].destination == mounts[j].destination)
        return invalid(fmt::format("duplicate mount point: {}", mounts[i].destination));
  return mounts;
}

// The options' HEALTHCHECK over the image's, field by field, as moby's
// merge: what is empty or 0 in the options comes from the image.
static std::optional<image::Healthcheck> container_healthcheck(const std::optional<image::Healthcheck> &mine,
                                                               const std::optional<image::Healthcheck> &image) {
  if (!mine || !image)
    return mine ? mine : image;
  image::Healthcheck h = *mine;
  if (h.test.empty())
    h.test = image->test;
  auto inherit = [](auto &field, auto from) {
    if (field == 0)
      field = from;
  };
  inherit(h.interval, image->interval);
  inherit(h.timeout, image->timeout);
  inherit(h.start_period, image->start_period);
  inherit(h.start_interval, image->start_interval);
  inherit(h.retries, image->retries);
  return h;
}

Result<storage::ContainerConfig> container_config(const CreateOptions &o, const image::ImageConfig &image,
                                                  const std::string &image_id) {
  const auto &d = image.config;
  storage::ContainerConfig c;
  c.image_id = image_id;
  c.image_name = o.image;
  c.name = o.name;
  if (o.entrypoint) {
    c.entrypoint = o.entrypoint->empty() ? std::vector<std::string>{} : std::vector<std::string>{*o.entrypoint};
    c.cmd = o.cmd;  // an entrypoint given drops the image's CMD
  } else {
    c.entrypoint = d.entrypoint;
    c.cmd = o.cmd.empty() ? d.cmd : o.cmd;
  }
  if (c.entrypoint.empty() && c.cmd.empty())
    return invalid("No command specified");  // moby daemon/create.go's words

  c.hostname = o.hostname;
  if (c.hostname.size() > 64)
    return invalid(fmt::format("invalid hostname \"{}\": at most 64 characters", c.hostname));
  for (const auto &h : o.extra_hosts)
    c.extra_hosts.push_back(TRY(extra_host(h)));
  c.dns = o.dns;
  c.dns_search = o.dns_search;
  c.dns_options = o.dns_options;
  c.working_dir = o.workdir.empty() ? d.working_dir : o.workdir;
  if (!c.working_dir.empty() && c.working_dir[0] != '/')
    return invalid(fmt::format("the working directory '{}' is invalid, it needs to be an absolute path",
                               c.working_dir));  // moby daemon/container.go's words
  c.user = o.user.empty() ? d.user : o.user;
  c.group_add = o.group_add;
  c.userns = o.userns == "host" ? "" : o.userns;  // no remapping is what skiff does anyway
  if (!c.userns.empty() && c.userns != "keep-id")
    return invalid(fmt::format("invalid --userns \"{}\": use host or keep-id", c.userns));
  c.labels = d.labels;
  for (const auto &[k, v] : o.labels)
    c.labels[k] = v;
  std::vector<std::string> exposed = d.exposed_ports;
  exposed.insert(exposed.end(), o.expose.begin(), o.expose.end());
  for (const auto &b : o.publish) {
    exposed.push_back(b.port);
    // The forwarder relays TCP and UDP; Docker's proxy also SCTP.
    if (b.port.ends_with("/sctp"))
      return invalid(fmt::format("publishing SCTP ports is not supported: {}", b.port));
  }
  c.exposed_ports = merge_exposed(std::move(exposed));
  c.port_bindings = o.publish;
  c.publish_all = o.publish_all;

  c.env = TRY(container_env(o, d.env));
  c.tty = o.tty;

  TRY_STATUS(container_networks(o, c));

  c.mounts = TRY(container_mounts(o, d.volumes));
  c.devices = o.devices;
  c.device_cgroup_rules = o.device_cgroup_rules;
  c.ulimits = o.ulimits;
  c.limits = o.limits;

  c.auto_remove = o.auto_remove;
  c.restart = o.restart;
  c.log_driver = o.log_driver.empty() ? "json-file" : o.log_driver;
  if (c.log_driver != "json-file" && c.log_driver != "none")
    return invalid(fmt::format("logger: no log driver named '{}' is registered", c.log_driver));
  c.stop_signal = o.stop_signal.empty() ? d.stop_signal : o.stop_signal;
  if (o.stop_timeout) {
    c.stop_timeout = *o.stop_timeout;
    c.stop_timeout_set = true;
  }
  c.healthcheck = container_healthcheck(o.healthcheck, d.healthcheck);

  c.open_stdin = o.open_stdin;
  c.attach_stdin = o.attach_stdin;
  c.attach_stdout = o.attach_stdout;
  c.attach_stderr = o.attach_stderr;
  c.stdin_once = o.stdin_once;
  c.init = o.init;
  c.read_only = o.read_only;
  c.privileged = o.privileged;
  c.no_new_privileges = o.no_new_privileges;
  c.cap_add = o.cap_add;
  c.cap_drop = o.cap_drop;
  c.seccomp = o.seccomp;
  return c;
}

} // namespace skiff::spec
