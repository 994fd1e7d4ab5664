// RUN --mount carried out: each value parsed with the stage's variables,
// its part of the step's cache key, and, when the step runs, the mounts
// of its container (copies of bound sources, cache directories, tmpfs,
// secrets). Private to the build module.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "skiff/build/build.hpp"
#include "skiff/build/secrets.hpp"
#include "skiff/dockerfile/dockerfile.hpp"
#include "skiff/dockerfile/expand.hpp"
#include "skiff/dockerfile/ignore.hpp"
#include "skiff/engine/build_steps.hpp"
#include "skiff/spec/create_options.hpp"

namespace skiff::build {

// A stage's or image's root a mount reads: its layers and what
// identifies its content for the cache.
struct MountSource {
  std::vector<std::string> layers;
  std::string id;
};

struct RunMountsInput {
  engine::Engine &eng;
  const BuildRequest &req;
  const dockerfile::IgnoreRules &ignore;
  std::string workdir;
  dockerfile::Lookup env;  // the stage's variables, for the values
  char escape = '\\';
  std::function<Result<MountSource>(const std::string &from)> resolve_from;
};

class RunMounts {
public:
  // Parses `values` (an error is BuildKit's, for the caller to locate).
  static Result<RunMounts> prepare(const std::vector<std::string> &values, const RunMountsInput &in);
  RunMounts(RunMounts &&) noexcept;
  RunMounts &operator=(RunMounts &&) noexcept;
  ~RunMounts();

  // The mounts' part of the step's cache key: their specs, and the bound
  // context's content; never a secret's.
  const std::string &key() const;
  // Readies each mount for the step and adds it to `o` (binds, tmpfs,
  // secret files, secret variables to o.env); what it made or holds
  // stays until this is destroyed.
  Status attach(spec::CreateOptions &o);

private:
  struct State;
  explicit RunMounts(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

// The check before any step runs: every --mount of the RUNs of `stages`
// (the ones the target needs) well formed, none of type ssh. The error
// names the instruction.
Status check_run_mounts(const dockerfile::Dockerfile &df, const std::vector<size_t> &stages,
                        const std::string &file_name);

} // namespace skiff::build
