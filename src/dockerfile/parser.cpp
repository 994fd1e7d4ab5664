// The Dockerfile's lines to nodes, as BuildKit's parser.Parse reads them:
// parser directives at the top, comments, continuations (comment and
// blank lines inside them dropped), then the bodies of the heredocs an
// instruction opens.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <tuple>

#include "heredoc.hpp"
#include "node.hpp"
#include "skiff/util/strings.hpp"
#include "text.hpp"

namespace skiff::dockerfile {

namespace {

// bufio.Scanner's limit: BuildKit stops reading at a longer line.
constexpr size_t kMaxLine = 64 * 1024;

std::string_view trim_newline(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool is_comment(std::string_view line) {
  line = text::trim_left_space(line);
  return !line.empty() && line[0] == '#';
}

// The escape character as the last non-blank character continues the
// line, unless escaped itself: it goes, with the blanks after it.
std::pair<std::string_view, bool> trim_continuation(std::string_view line, char escape) {
  size_t end = line.size();
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
    end--;
  if (end == 0 || line[end - 1] != escape || (end >= 2 && line[end - 2] == escape))
    return {line, true};
  return {line.substr(0, end - 1), false};
}

// DirectiveParser: `# name=value` lines at the very top; the first other
// line (blank, comment, instruction) ends them.
class Directives {
public:
  // Whether `line` (newline and leading blanks gone) was a directive.
  Result<bool> parse_line(std::string_view line, Nodes &out) {
    if (done_)
      return false;
    if (line.empty() || line[0] != '#')
      return stop();
    line = text::trim_left_space(line.substr(1));
    // regexp `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
    size_t n = 0;
    while (n < line.size() && (std::isalpha(static_cast<unsigned char>(line[n])) ||
                               (n > 0 && std::isdigit(static_cast<unsigned char>(line[n])))))
      n++;
    if (n == 0)
      return stop();
    std::string name = str::lower(line.substr(0, n));
    std::string_view rest = skip_blanks(line.substr(n));
    if (rest.empty() || rest[0] != '=')
      return stop();
    rest = skip_blanks(rest.substr(1));
    while (!rest.empty() && is_blank(rest.back()))
      rest.remove_suffix(1);
    if (rest.empty() || (name != "syntax" && name != "escape" && name != "check"))
      return stop();
    if (!seen_.insert(name).second)
      return make_error(Errc::invalid, "only one {} parser directive can be used", name);
    if (name == "escape") {
      if (rest != "`" && rest != "\\")
        return make_error(Errc::invalid, "invalid escape token '{}' does not match ` or \\",
                          rest);
      out.escape = rest[0];
    } else if (name == "syntax") {
      out.syntax = rest;
    }
    // `# check=` configures BuildKit's linter, which skiff does not run.
    return true;
  }

private:
  static bool is_blank(char c) {
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
  }
  static std::string_view skip_blanks(std::string_view s) {
    while (!s.empty() && is_blank(s.front()))
      s.remove_prefix(1);
    return s;
  }
  bool stop() {
    done_ = true;
    return false;
  }
  bool done_ = false;
  std::set<std::string> seen_;
};

// The file's lines, each with its line ending; a line past the scanner's
// limit ends the file (`too_long` is its number).
struct Lines {
  std::vector<std::string_view> lines;
  std::optional<int> too_long;
};

Lines split_lines(std::string_view text) {
  Lines out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    if (len > kMaxLine || (nl == std::string_view::npos && len >= kMaxLine)) {
      out.too_long = static_cast<int>(out.lines.size()) + 1;
      break;
    }
    out.lines.push_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  if (!out.lines.empty() && out.lines[0].starts_with("\xEF\xBB\xBF"))
    out.lines[0].remove_prefix(3);
  return out;
}

} // namespace

Result<Nodes> parse_nodes(std::string_view text, const std::string &file_name) {
  auto fail = [&](int line, std::string_view message) {
    return make_error(Errc::invalid, "{}:{}: {}", file_name, line, message);
  };
  Nodes out;
  Directives directives;
  Lines split = split_lines(text);
  const auto &lines = split.lines;
  size_t next = 0;
  int current = 0;
  while (next < lines.size()) {
    std::string_view token = text::trim_left_space(trim_newline(lines[next++]));
    current++;
    auto directive = directives.parse_line(token, out);
    if (!directive)
      return fail(current, directive.error().message);
    if (token.starts_with('#'))
      continue;
    int start = current;
    auto [part, end_of_line] = trim_continuation(token, out.escape);
    std::string line(part);
    while (!end_of_line && next < lines.size()) {
      std::string_view raw = lines[next++];
      current++;
      token = trim_newline(raw);
      if (is_comment(token) || text::trim_left_space(token).empty())
        continue;
      std::tie(part, end_of_line) = trim_continuation(token, out.escape);
      line += part;
    }
    if (line.empty() && end_of_line)
      continue;

    auto node = node_from_line(line, out.escape);
    if (!node)
      return fail(start, node.error().message);
    node->line = start;
    if (node->can_have_heredocs && line.find("<<") != std::string::npos) {
      auto docs = heredocs_from_line(line);
      if (!docs)
        return fail(start, docs.error().message);
      for (auto &doc : *docs) {
        bool terminated = false;
        while (!terminated && next < lines.size()) {
          std::string_view raw = lines[next++];
          current++;
          std::string_view candidate = trim_newline(raw);
          if (doc.chomp)
            candidate.remove_prefix(std::min(candidate.find_first_not_of('\t'), candidate.size()));
          terminated = candidate == doc.name;
          if (!terminated)
            doc.content += raw;
        }
        if (!terminated)
          return fail(start, "unterminated heredoc");
        node->heredocs.push_back(std::move(doc));
      }
    }
    out.nodes.push_back(std::move(*node));
  }
  if (out.nodes.empty())
    return fail(std::max(current, 1), "file with no instructions");
  if (split.too_long)
    return fail(*split.too_long, "dockerfile line greater than max allowed size of 65535");
  return out;
}

} // namespace skiff::dockerfile
