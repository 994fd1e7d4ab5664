// The public Template API over the parser and the evaluator.
#include "skiff/gotmpl/template.hpp"

#include <exception>

#include "ast.hpp"

namespace skiff::gotmpl {

// nlohmann::json throws on misuse; keep even a bug from escaping as one.
Result<Template> Template::parse(std::string_view text, const std::string &name) {
  try {
    std::shared_ptr<const detail::Tree> tree = TRY(detail::parse_tree(text, name));
    return Template(std::move(tree));
  } catch (const std::exception &e) {
    return make_error(Errc::invalid, "template: {}", e.what());
  }
}

Result<std::string> Template::render(const nlohmann::json &dot, const RenderOptions &opts) const {
  try {
    return render(nlohmann::ordered_json(dot), opts);
  } catch (const std::exception &e) {
    return make_error(Errc::invalid, "template: {}", e.what());
  }
}

Result<std::string> Template::render(const nlohmann::ordered_json &dot, const RenderOptions &opts) const {
  try {
    return detail::execute(*tree_, dot, opts);
  } catch (const std::exception &e) {
    return make_error(Errc::invalid, "template: {}", e.what());
  }
}

} // namespace skiff::gotmpl
