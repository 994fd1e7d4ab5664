// --format for info and version.
#include "format.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

#include "skiff/cli/command.hpp"
#include "skiff/gotmpl/template.hpp"

namespace skiff::cli {

namespace {

// The Go fields of Info, Version and docker/cli's clientVersion whose
// JSON key is spelt otherwise.
const std::map<std::string, std::string, std::less<>> kGoNames = {
    {"APIVersion", "ApiVersion"},     {"HTTPProxy", "HttpProxy"},
    {"HTTPSProxy", "HttpsProxy"},     {"CPUCfsPeriod", "CpuCfsPeriod"},
    {"CPUCfsQuota", "CpuCfsQuota"},   {"Path", "path"},
};

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

} // namespace

std::string go_field_names_to_keys(const std::string &f) {
  std::string out;
  bool in_action = false;
  for (size_t i = 0; i < f.size();) {
    if (!in_action) {
      if (f.compare(i, 2, "{{") == 0) {
        in_action = true;
        out += "{{";
        i += 2;
      } else {
        out += f[i++];
      }
      continue;
    }
    char c = f[i];
    if (f.compare(i, 2, "}}") == 0) {
      in_action = false;
      out += "}}";
      i += 2;
    } else if (c == '"' || c == '`' || c == '\'') {
      // A literal, copied as it is ("..." and '.' with backslash escapes).
      size_t end = i + 1;
      while (end < f.size() && f[end] != c)
        end += (c != '`' && f[end] == '\\') ? 2 : 1;
      end = std::min(end + 1, f.size());
      out.append(f, i, end - i);
      i = end;
    } else if (c == '.' && i + 1 < f.size() && ident_char(f[i + 1])) {
      size_t end = i + 1;
      while (end < f.size() && ident_char(f[end]))
        end++;
      std::string_view name(f.data() + i + 1, end - i - 1);
      auto it = kGoNames.find(name);
      out += '.';
      out += it == kGoNames.end() ? std::string(name) : it->second;
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

Rendered render_format(const std::string &format, const nlohmann::json &data) {
  auto tmpl = gotmpl::Template::parse(format == "json" ? "{{json .}}" : go_field_names_to_keys(format));
  if (!tmpl)
    return {std::nullopt, fail_text("template parsing error: " + tmpl.error().message, 64)};
  auto out = tmpl->render(data);
  if (!out)
    return {std::nullopt, fail(out.error())};
  return {*out + "\n", 0};
}

} // namespace skiff::cli
