// What `rmi` does to an image that may have several names and containers
// using it: Docker's rules (moby daemon/images/image_delete.go), pure.
#pragma once

#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::engine {

struct ImageUser {
  std::string container_id;
  bool running = false;  // running, paused or restarting: Docker's IsRunning
};

struct ImageRemovalInput {
  std::string text;      // the name or ID as the user typed it
  bool by_name = false;  // `text` named one of the image's names
  size_t names = 0;      // how many names the image has
  std::string image_id;  // hex
  std::vector<ImageUser> users;
  bool force = false;
};

enum class ImageRemoval {
  untag,   // remove the name typed; the image stays (maybe as <none>)
  remove,  // remove every name and the image; stopped users keep its layers
};

// A refusal is Errc::conflict with Docker's message, which scripts grep
// for. By name: the last name of an image a container uses is kept
// without -f; with -f it goes, and the image too unless a running
// container uses it (then it stays, untagged). By ID: never while a
// container runs it; without -f, not while it has several names or a
// stopped container uses it.
Result<ImageRemoval> plan_image_removal(const ImageRemovalInput &in);

} // namespace skiff::engine
