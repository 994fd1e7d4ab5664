// Which stages a stage names (FROM of a stage, COPY --from, RUN --mount
// from=) and so which a target needs. Pure; private to the build module.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/dockerfile/dockerfile.hpp"

namespace skiff::build {

// The stage before `before` that `name` (a stage's name, any case, or
// with `by_index` its index: not for FROM) refers to.
std::optional<size_t> stage_named(const dockerfile::Dockerfile &df, std::string_view name, size_t before,
                                  bool by_index = true);

// How a reference is read before it is looked up (expanded with the
// global args); none when it cannot be.
using ResolveName = std::function<std::optional<std::string>(const std::string &)>;

// The stages stage `i` names, as far as `resolve` tells before it runs.
std::vector<size_t> stage_references(const dockerfile::Dockerfile &df, size_t i, const ResolveName &resolve);

// The stages `target` needs, the target included, in index order.
std::vector<size_t> needed_stages(const dockerfile::Dockerfile &df, size_t target, const ResolveName &resolve);

} // namespace skiff::build
