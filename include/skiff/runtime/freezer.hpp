// Freezing a running container's processes while its files are read
// (commit --pause), as Docker pauses it: cgroup v2's cgroup.freeze of its
// cgroup, or on v1 a freezer cgroup its processes join for the time
// (skiff's v1 cgroups leave the freezer hierarchy alone otherwise).
#pragma once

#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

class Freeze {
public:
  Freeze() = default;  // nothing frozen
  // Freezes container `name`'s processes; nothing is done (and nothing
  // fails) where it has no cgroup to freeze: rootless on v1, or a
  // container started without one. A frozen state left by a killed
  // command is thawed first.
  static Result<Freeze> container(const std::string &name);
  Freeze(Freeze &&o) noexcept;
  Freeze &operator=(Freeze &&) = delete;
  Freeze(const Freeze &) = delete;
  ~Freeze();  // thaws

  bool frozen() const { return !dir_.empty(); }

private:
  std::string dir_;       // the frozen cgroup
  bool v1_ = false;       // v1: the processes leave it again, then it goes
  std::string v1_root_;   // v1: the freezer hierarchy's root
};

} // namespace skiff::runtime
