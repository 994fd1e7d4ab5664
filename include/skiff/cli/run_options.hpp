// "run"/"create" flags turned into a container config: Docker's rules for
// ENTRYPOINT/CMD, env merging, volumes, mounts, limits and policies. Pure.
#pragma once

#include <string>
#include <vector>

#include "skiff/cli/command.hpp"
#include "skiff/image/config.hpp"
#include "skiff/storage/container_config.hpp"

namespace skiff::cli {

// The flags "run" and "create" share.
std::vector<Flag> container_create_flags();

// host_env: the CLI's environment ("KEY=value"), for "-e KEY" without a
// value; env_files: contents of the --env-file files, in order; cwd: the
// working directory, against which relative bind sources resolve.
Result<storage::ContainerConfig> build_container_config(const Args &args,
                                                        const image::ImageConfig &image,
                                                        const std::vector<std::string> &host_env,
                                                        const std::vector<std::string> &env_files,
                                                        const std::string &cwd);

// A bind's options hold its propagation ("rprivate", ...), a volume's
// "nocopy" when it must not be filled from the image.
Result<storage::MountConfig> parse_volume_flag(const std::string &spec, const std::string &cwd);
Result<storage::MountConfig> parse_mount_flag(const std::string &spec, const std::string &cwd);
Result<storage::RestartPolicy> parse_restart(const std::string &spec);
Result<storage::DeviceMapping> parse_device_flag(const std::string &spec);
Result<storage::Ulimit> parse_ulimit(const std::string &spec);
// One KEY=VALUE per line, "#" comments and blank lines skipped.
Result<std::vector<std::string>> parse_env_file(const std::string &content, const std::vector<std::string> &host_env);

} // namespace skiff::cli
