#include "stage_graph.hpp"

#include <set>

#include "skiff/util/csv.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

std::optional<size_t> stage_named(const dockerfile::Dockerfile &df, std::string_view name, size_t before,
                                  bool by_index) {
  std::string lower = str::lower(name);
  for (size_t i = 0; i < before; i++)
    if (!df.stages[i].name.empty() && df.stages[i].name == lower)
      return i;
  if (auto num = str::to_int(name); by_index && num && *num >= 0 && static_cast<size_t>(*num) < before)
    return static_cast<size_t>(*num);
  return std::nullopt;
}

std::vector<size_t> stage_references(const dockerfile::Dockerfile &df, size_t i, const ResolveName &resolve) {
  const auto &st = df.stages[i];
  std::vector<size_t> out;
  if (auto base = resolve(st.base))
    if (auto d = stage_named(df, *base, i, false))
      out.push_back(*d);
  std::vector<std::string> names;
  for (const auto &c : st.commands) {
    if (auto *copy = std::get_if<dockerfile::CopyCmd>(&c.body); copy && !copy->from.empty())
      names.push_back(copy->from);
    if (auto *run = std::get_if<dockerfile::RunCmd>(&c.body))
      for (const auto &m : run->mounts)
        if (auto fields = str::csv_fields(m))
          for (const auto &f : *fields)
            if (auto kv = str::cut(f, '='); kv && str::lower(kv->first) == "from")
              names.push_back(kv->second);
  }
  for (const auto &n : names)
    if (auto x = resolve(n))
      if (auto d = stage_named(df, *x, i))
        out.push_back(*d);
  return out;
}

std::vector<size_t> needed_stages(const dockerfile::Dockerfile &df, size_t target, const ResolveName &resolve) {
  std::set<size_t> seen;
  std::vector<size_t> pending{target};
  while (!pending.empty()) {
    size_t i = pending.back();
    pending.pop_back();
    if (seen.insert(i).second)
      for (size_t d : stage_references(df, i, resolve))
        pending.push_back(d);
  }
  return {seen.begin(), seen.end()};
}

} // namespace skiff::build
