// --format for info and version.
#include "format.hpp"

namespace skiff::cli {

// docker/cli's formatInfo and prettyPrintVersion: a newline follows what
// the template printed, even when it failed.
Rendered render_format(const std::string &format, const nlohmann::json &data, const gotmpl::Types &types,
                       const std::string &name) {
  auto tmpl = gotmpl::Template::parse(format == "json" ? "{{json .}}" : format, name);
  if (!tmpl)
    return {"", Error{Errc::invalid, "template parsing error: " + tmpl.error().message, 64}};
  std::string partial;
  auto out = tmpl->render(gotmpl::go_order(data, types), {.types = &types, .partial = &partial});
  if (!out)
    return {partial + "\n", out.error()};
  return {*out + "\n", std::nullopt};
}

} // namespace skiff::cli
