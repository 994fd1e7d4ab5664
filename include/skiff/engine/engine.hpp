// The facade the CLI (and later build and compose) calls: containers,
// images and volumes over the store, the runtime and the supervisor.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/engine/logs.hpp"
#include "skiff/engine/types.hpp"
#include "skiff/spec/create_options.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

struct Options {
  std::string root;
  std::string runroot;
  bool rootless = false;  // runs in (or enters) the user's user namespace
  uint32_t uid = 0, gid = 0;  // the invoking user, outside any namespace
  std::string storage_driver;  // --storage-driver as given (open parses it); empty: the store's
};

// Where skiff keeps its state for this user (DESIGN.md section 3).
Options default_options();

struct ContainerView {
  ContainerConfig config;
  ContainerState state;
  ImageRecord image;  // may be empty if the image is gone
};

class Engine {
public:
  // Opens the store; with `enter_userns` and rootless, first moves this
  // process into the user's user namespace (for commands that write layer
  // or container files owned by mapped IDs).
  static Result<Engine> open(const Options &o, bool enter_userns);

  const Options &options() const { return opts_; }

  // Images.
  Result<ImageRecord> find_image(std::string_view ref_or_id);
  struct FoundImage {
    ImageRecord image;
    std::string name;  // the full name it was found by; empty for a digest or an ID
  };
  // find_image, telling which of the names a short name may have matched.
  Result<FoundImage> lookup_image(std::string_view ref_or_id);
  Result<ImageConfig> image_config(const ImageRecord &img);
  Result<std::string> import_image(int fd, const std::string &tag,
                                   const std::vector<std::string> &changes,
                                   const std::string &message);
  Result<std::vector<std::string>> load_images(int fd);
  Status tag_image(std::string_view source, std::string_view target);
  // Removes names, or the image when no name is left; returns Docker's
  // "Untagged: ..." / "Deleted: ..." lines.
  Result<std::vector<std::string>> remove_image(std::string_view ref_or_id, bool force);

  // Containers.
  Result<std::string> find_container(std::string_view name_or_id);
  Result<ContainerView> container(const std::string &id);
  Result<std::vector<ContainerView>> containers();
  // Makes a container (not started) from `image`, the record of
  // `o.image` the caller resolved once (image_for_container: looked up,
  // pulled as the policy says) and known by its ID from here on: its
  // config merged with `o` (spec::container_config), checked against this
  // host (capabilities, devices, cgroup limits, the user namespace) and
  // recorded. `replace` removes a container holding the name first.
  Result<std::string> create_container(const spec::CreateOptions &o, const ImageRecord &image,
                                       bool replace);
  Result<pid_t> start_container(const std::string &id, int attach_fd);
  Status stop_container(const std::string &id, std::optional<int> timeout);
  Status kill_container(const std::string &id, int signal);
  Status remove_container(const std::string &id, bool force, bool volumes);
  Status rename_container(const std::string &id, const std::string &new_name);
  struct ExecRequest {
    std::vector<std::string> argv, env;
    std::string user, workdir;
    bool tty = false, interactive = false, detach = false, privileged = false;
  };
  // Starts a process in the running container with its user, capabilities
  // and seccomp filter (overridable as docker exec allows).
  Result<ExecProcess> exec_container(const std::string &id, const ExecRequest &r);
  // Finishes the removals killed commands left half done (removal.hpp):
  // stops what still runs of those containers and deletes what is left.
  // Every command that looks containers up or makes one calls it first.
  // Best effort: what cannot be finished now stays out of sight (its
  // config is gone) for a later command to finish.
  void finish_removals();
  // Prints the container's log through `sink`, following it while the
  // container runs if asked.
  Status container_logs(const std::string &id, const LogsRequest &r, const LogSink &sink);
  // Blocks until the container is not running; returns its exit code.
  Result<int> wait_container(const std::string &id);

  // Volumes.
  // `driver` must be local (or empty); `options` are its options
  // (engine/volume_options.hpp), checked as Docker's local driver does.
  // A volume that exists is returned as it is.
  Result<nlohmann::json> create_volume(const std::string &name,
                                       const std::map<std::string, std::string> &labels,
                                       const std::string &driver = "local",
                                       const std::map<std::string, std::string> &options = {});
  Result<std::vector<nlohmann::json>> volumes();
  Result<nlohmann::json> volume(const std::string &name);
  Status remove_volume(const std::string &name, bool force);
  Result<std::vector<std::string>> volume_users(const std::string &name);

private:
  friend struct StoreAccess;  // the engine's own code (src/engine/store_access.hpp)

  // A container whose supervisor died without a word is marked exited.
  void repair_state(const std::string &id, storage::ContainerState &st);
  // What follows begin_removal (which freed the name): the container's
  // processes stopped (`hard`: its supervisor killed at once, for a
  // removal taken over from a dead process), its cgroup, network helper,
  // anonymous volumes (with `volumes`) and files removed.
  Status finish_removal(const std::string &id, const storage::ContainerConfig *config, bool volumes,
                        bool hard);

  Options opts_;
  storage::Store store_;
};

// Signal names and numbers as docker kill -s takes them ("KILL", "SIGKILL", "9").
Result<int> parse_signal(std::string_view s);

} // namespace skiff::engine
