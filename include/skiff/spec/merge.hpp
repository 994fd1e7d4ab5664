// The container's config: the caller's options merged with its image's
// defaults by Docker's rules. Pure; what needs the host (capability names,
// device nodes, cgroups, the user namespace) the engine checks after.
#pragma once

#include <string>
#include <vector>

#include "skiff/image/config.hpp"
#include "skiff/spec/create_options.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/util/result.hpp"

namespace skiff::spec {

// The config of a container made from the image `image_id` whose config is
// `image`. Left for the engine: id, created, storage_driver, the hostname
// default and named volumes' names for anonymous ones.
//
// - ENTRYPOINT/CMD: `--entrypoint` replaces the image's ENTRYPOINT and
//   drops its CMD ("" clears it); otherwise the image's ENTRYPOINT stays
//   and a command given replaces its CMD. Nothing to run is an error.
// - Env, as Docker records it in Config.Env: the env files' then `env`'s
//   entries as given (a bare KEY takes the caller's value; one the caller
//   has not set stays bare from -e, and is dropped from an env file),
//   then the image's whose KEY they do not set. process_env() adds
//   Docker's defaults when the container runs.
// - User, working directory, stop signal: the option, else the image's.
// - Labels: the image's, the options' over them.
// - Mounts: the options', then each image VOLUME nothing else is mounted
//   on, as an anonymous volume; two mounts at one path are an error.
// - Exposed ports: the image's, --expose's and -p's, each once; -p's
//   bindings and -P kept as given (SCTP ones refused: nothing relays them).
// - HEALTHCHECK: the image's, the options' fields over it (an empty test
//   or a 0 is not given); {"NONE"} stays as it is.
Result<storage::ContainerConfig> container_config(const CreateOptions &o, const image::ImageConfig &image,
                                                  const std::string &image_id);

// --add-host "name:ip" or "name=ip" (an IPv6 address maybe in brackets),
// checked as docker/cli's ValidateExtraHost does: "name:ip" back.
Result<std::string> extra_host(const std::string &v);
// --add-host NAME:host-gateway (Docker's special address).
inline constexpr const char *kHostGateway = "host-gateway";

// --network and what goes with it into the config's network mode and
// attachments; the networks are still named as given (the engine finds
// them).
Status container_networks(const CreateOptions &o, storage::ContainerConfig &c);

// The environment alone, by the rules above.
Result<std::vector<std::string>> container_env(const CreateOptions &o,
                                               const std::vector<std::string> &image_env);

// What a container's processes get, as Docker builds it: its default PATH,
// HOSTNAME and, with a terminal, TERM=xterm, each entry of `config_env`
// replacing the one of its KEY or appended (a later one wins), a bare KEY
// (`-e KEY` the caller had not set) removing it.
std::vector<std::string> process_env(const std::vector<std::string> &config_env, bool tty,
                                     const std::string &hostname);

} // namespace skiff::spec
