// ONBUILD triggers (onbuild.hpp).
#include "onbuild.hpp"

#include <memory>

#include <nlohmann/json.hpp>

#include "skiff/util/strings.hpp"

namespace skiff::build {

Result<std::vector<dockerfile::Command>> take_onbuild_triggers(image::ImageConfig &c) {
  std::vector<dockerfile::Command> out;
  if (!c.config_extra || !c.config_extra->contains("OnBuild"))
    return out;
  auto extra = *c.config_extra;
  auto triggers = extra["OnBuild"];
  extra.erase("OnBuild");
  c.config_extra = std::make_shared<const nlohmann::json>(std::move(extra));
  if (!triggers.is_array())
    return out;
  for (const auto &t : triggers) {
    if (!t.is_string())
      continue;
    std::string text = t.get<std::string>();
    // Parsed as the only instruction of a stage of its own.
    auto df = dockerfile::parse("FROM scratch\n" + text + "\n", "ONBUILD trigger");
    if (!df)
      return std::move(df).error();
    if (df->stages.size() != 1 || df->stages[0].commands.size() != 1)
      return make_error(Errc::invalid, "onbuild trigger should be a single expression");
    auto cmd = std::move(df->stages[0].commands[0]);
    if (cmd.keyword == "ONBUILD" || cmd.keyword == "MAINTAINER")
      return make_error(Errc::invalid, "{} isn't allowed as an ONBUILD trigger", cmd.keyword);
    out.push_back(std::move(cmd));
  }
  return out;
}

} // namespace skiff::build
