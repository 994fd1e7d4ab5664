#include "skiff/cli/output.hpp"

#include <nlohmann/json.hpp>

#include "skiff/gotmpl/tabwriter.hpp"
#include "skiff/gotmpl/template.hpp"

namespace skiff::cli {

using nlohmann::json;

std::string docker_json(const json &j, int indent) {
  std::string s = j.dump(indent);
  // Go's encoder escapes <, > and & inside strings.
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

static std::string unescape_tabs(std::string f) {
  // Docker lets users write \t and \n in --format on the command line.
  std::string out;
  for (size_t i = 0; i < f.size(); i++) {
    if (f[i] == '\\' && i + 1 < f.size() && (f[i + 1] == 't' || f[i + 1] == 'n')) {
      out += f[i + 1] == 't' ? '\t' : '\n';
      i++;
    } else {
      out += f[i];
    }
  }
  return out;
}

Result<std::string> render_rows(const std::string &format, const std::vector<json> &rows,
                                const json &headers) {
  if (format == "json") {
    std::string out;
    for (auto r : rows) {
      r.erase("Label");  // a method in Docker's formatter, not a field
      out += docker_json(r, -1) + "\n";
    }
    return out;
  }
  bool table = format.rfind("table", 0) == 0;
  std::string body = unescape_tabs(table ? format.substr(5) : format);
  if (table && !body.empty() && body[0] == ' ')
    body.erase(0, 1);
  auto tmpl = TRY(gotmpl::Template::parse(body));
  std::string out;
  if (table)
    out += TRY(tmpl.render(headers)) + "\n";
  for (const auto &r : rows)
    out += TRY(tmpl.render(r)) + "\n";
  return table ? gotmpl::tabwrite(out) : out;
}

Result<std::string> render_inspect(const std::string &format, const std::vector<json> &objs) {
  if (format.empty() || format == "json") {
    json arr = json::array();
    for (const auto &o : objs)
      arr.push_back(o);
    return docker_json(arr, 4) + "\n";
  }
  auto tmpl = TRY(gotmpl::Template::parse(unescape_tabs(format)));
  std::string out;
  for (const auto &o : objs)
    out += TRY(tmpl.render(o)) + "\n";
  return out;
}

} // namespace skiff::cli
