// --format for info and version.
#include "format.hpp"

#include "skiff/cli/command.hpp"
#include "skiff/gotmpl/template.hpp"

namespace skiff::cli {

Rendered render_format(const std::string &format, const nlohmann::json &data) {
  auto tmpl = gotmpl::Template::parse(format == "json" ? "{{json .}}" : format);
  if (!tmpl)
    return {std::nullopt, fail_text("template parsing error: " + tmpl.error().message, 64)};
  auto out = tmpl->render(data);
  if (!out)
    return {std::nullopt, fail(out.error())};
  return {*out + "\n", 0};
}

} // namespace skiff::cli
