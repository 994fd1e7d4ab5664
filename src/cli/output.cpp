#include "skiff/cli/output.hpp"

#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "skiff/cli/command.hpp"
#include "skiff/gotmpl/tabwriter.hpp"
#include "skiff/gotmpl/template.hpp"

namespace skiff::cli {

using nlohmann::json;

// docker/cli's inspect exits 64 (EX_USAGE) when its template does not parse.
constexpr int kExitTemplateSyntax = 64;


std::string docker_json(const json &j, int indent) { return gotmpl::escape_html(j.dump(indent)); }

std::string docker_json(const nlohmann::ordered_json &j, int indent) { return gotmpl::escape_html(j.dump(indent)); }

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

// docker/cli's Format.templateString: "json" is {{json .}}; a "table"
// prefix goes, then the spaces around, then \t and \n are replaced.
static std::string row_template(const std::string &format, bool table) {
  if (format == "json")
    return "{{json .}}";
  std::string body = table ? format.substr(5) : format;
  size_t first = body.find_first_not_of(' ');
  if (first == std::string::npos)
    return "";
  body = body.substr(first, body.find_last_not_of(' ') - first + 1);
  return unescape_tabs(body);
}

Result<std::string> render_rows(const std::string &format, const std::vector<json> &rows, const json &headers,
                                const gotmpl::Types &types) {
  bool table = format.rfind("table", 0) == 0;
  auto tmpl = gotmpl::Template::parse(row_template(format, table));
  if (!tmpl)
    return make_error(Errc::invalid, "template parsing error: {}", tmpl.error().message);
  std::string out;
  if (table) {
    // docker/cli ignores the header's errors, keeping what it printed.
    std::string partial;
    auto header = tmpl->render(headers, {nullptr, false, nullptr, true, &partial});
    out += (header ? *header : partial) + "\n";
  }
  for (const auto &r : rows) {
    auto line = tmpl->render(r, {&types});
    if (!line)
      return make_error(Errc::invalid, "template parsing error: {}", line.error().message);
    out += *line + "\n";
  }
  return table ? gotmpl::tabwrite(out) : out;
}

bool format_marshals_row(const std::string &format, const json &row, const gotmpl::Types &types) {
  bool table = format.rfind("table", 0) == 0;
  auto tmpl = gotmpl::Template::parse(row_template(format, table));
  bool marshalled = false;
  if (tmpl)
    (void)tmpl->render(row, {.types = &types, .root_marshalled = &marshalled});
  return marshalled;
}

Result<bool> check_rows_format(const std::string &format, const json &empty_row, const gotmpl::Types &types,
                               const std::string &field) {
  auto tmpl = gotmpl::Template::parse(format);
  if (!tmpl)
    return make_error(Errc::invalid, "failed to parse template: {}", tmpl.error().message);
  std::set<std::string> read;
  auto out = tmpl->render(empty_row, {&types, false, &read});
  if (!out)
    return make_error(Errc::invalid, "failed to execute template: {}", out.error().message);
  return read.count(field) > 0;
}

Result<InspectOutput> render_inspect(const std::string &format, const std::vector<Inspected> &objs,
                                     bool raw_fallback) {
  InspectOutput out;
  if (format.empty() || format == "json") {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto &o : objs)
      arr.push_back(gotmpl::go_order(o.data, *o.types));
    out.text = docker_json(arr, format.empty() ? 4 : -1) + "\n";
    return out;
  }
  auto tmpl = gotmpl::Template::parse(unescape_tabs(format));
  if (!tmpl)
    return Error{Errc::invalid, "template parsing error: " + tmpl.error().message, kExitTemplateSyntax};
  for (const auto &o : objs) {
    auto text = tmpl->render(gotmpl::go_order(o.data, *o.types), {o.types});
    // The raw JSON is Go maps: their keys print sorted.
    if (!text && raw_fallback)
      text = tmpl->render(o.data, {nullptr, true});
    if (!text) {
      out.errors.push_back(Error{Errc::invalid, "template parsing error: " + text.error().message});
      continue;
    }
    out.text += *text + "\n";
  }
  // docker/cli's TemplateInspector.Flush prints a bare newline when nothing
  // was printed: every object failed, or none was found.
  if (out.text.empty())
    out.text.push_back('\n');
  return out;
}

int print_inspect(const std::string &format, const std::vector<Inspected> &objs, bool raw_fallback, int rc) {
  auto out = render_inspect(format, objs, raw_fallback);
  if (!out)
    return fail(out.error());
  fmt::print("{}", out->text);
  for (const auto &e : out->errors)
    rc = fail(e);
  return rc;
}

} // namespace skiff::cli
