// One logical line to a Node, as BuildKit's split_command.go and
// line_parsers.go do it: the keyword, the leading --flags, then the
// arguments in the shape each instruction's line parser gives them.
#include <nlohmann/json.hpp>

#include "node.hpp"
#include "skiff/util/strings.hpp"
#include "text.hpp"

namespace skiff::dockerfile {

namespace {

// extractBuilderFlags and parseHealthConfig test single bytes: only ASCII
// blanks here, so that UTF-8 bytes 0x85 and 0xA0 do not split a word (Go's
// unicode.IsSpace on a byte would).
bool byte_is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

struct Split {
  std::string rest;
  std::vector<std::string> flags;
};

// extractBuilderFlags: leading words starting with "--", quotes and
// escapes removed; a lone "--" ends them.
Split extract_flags(std::string_view line, char escape) {
  enum { in_spaces, in_word, in_quote } phase = in_spaces;
  Split out;
  std::string word;
  char quote = 0;
  bool blank_ok = false;
  for (size_t pos = 0; pos <= line.size(); pos++) {
    char ch = pos < line.size() ? line[pos] : 0;
    if (phase == in_spaces) {
      if (pos == line.size())
        break;
      if (byte_is_space(ch))
        continue;
      if (ch != '-' || pos + 1 == line.size() || line[pos + 1] != '-') {
        out.rest = line.substr(pos);
        return out;
      }
      phase = in_word;
    }
    if (pos == line.size()) {
      if (word != "--" && (blank_ok || !word.empty()))
        out.flags.push_back(word);
      break;
    }
    if (phase == in_word) {
      if (byte_is_space(ch)) {
        phase = in_spaces;
        if (word == "--") {
          out.rest = line.substr(pos);
          return out;
        }
        if (blank_ok || !word.empty())
          out.flags.push_back(word);
        word.clear();
        blank_ok = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = in_quote;
        continue;
      }
    } else if (ch == quote) {
      phase = in_word;
      continue;
    }
    if (ch == escape) {
      if (pos + 1 == line.size()) {
        if (phase == in_quote)
          phase = in_word;
        continue;  // an escape at the end is dropped
      }
      ch = line[++pos];
    }
    word += ch;
  }
  return out;
}

// parseWords: blank-separated words, quotes and escapes kept (the builder
// removes them when it expands the word).
std::vector<std::string> parse_words(std::string_view rest, char escape) {
  enum { in_spaces, in_word, in_quote } phase = in_spaces;
  std::vector<std::string> words;
  std::string word;
  int quote = 0;
  bool blank_ok = false;
  for (size_t pos = 0; pos <= rest.size();) {
    text::Rune r = pos < rest.size() ? text::decode(rest, pos) : text::Rune{0, 0};
    if (phase == in_spaces) {
      if (pos == rest.size())
        break;
      if (text::is_space(r.cp)) {
        pos += r.len;
        continue;
      }
      phase = in_word;
    }
    if (pos == rest.size()) {
      if (blank_ok || !word.empty())
        words.push_back(word);
      break;
    }
    if (phase == in_word) {
      if (text::is_space(r.cp)) {
        phase = in_spaces;
        if (blank_ok || !word.empty())
          words.push_back(word);
        word.clear();
        blank_ok = false;
        pos += r.len;
        continue;
      }
      if (r.cp == '\'' || r.cp == '"') {
        quote = r.cp;
        blank_ok = true;
        phase = in_quote;
      }
    } else if (r.cp == quote) {
      phase = in_word;
    }
    // The escape keeps the next character, except inside single quotes.
    if (r.cp == escape && (phase != in_quote || quote != '\'')) {
      if (pos + r.len == rest.size()) {
        if (phase == in_quote)
          phase = in_word;
        pos += r.len;
        continue;
      }
      word.append(rest.substr(pos, r.len));
      pos += r.len;
      r = text::decode(rest, pos);
    }
    word.append(rest.substr(pos, r.len));
    pos += r.len;
  }
  return words;
}

// parseNameVal (ENV, LABEL): `K V...` (the rest of the line is the value)
// or `K=V K2=V2`, each as a (key, value, separator) triple.
Status parse_name_val(std::string_view rest, std::string_view keyword, char escape, Node &node) {
  auto words = parse_words(rest, escape);
  if (words.empty())
    return {};
  if (words[0].find('=') == std::string::npos) {
    auto parts = text::split_whitespace(rest, 2);
    if (parts.size() < 2)
      return make_error(Errc::invalid, "{} must have two arguments", keyword);
    node.args = {parts[0], parts[1], ""};
    return {};
  }
  for (const auto &w : words) {
    auto kv = str::cut(w, '=');
    if (!kv)
      return make_error(Errc::invalid,
                        "Syntax error - can't find = in {}. Must be of the form: name=value",
                        text::quote(w));
    node.args.insert(node.args.end(), {kv->first, kv->second, "="});
  }
  return {};
}

std::vector<std::string> strings_whitespace_delimited(std::string_view rest) {
  if (rest.empty())
    return {};
  return text::split_whitespace(rest, -1);
}

// parseJSON: none when `rest` is not a JSON array (the caller falls back
// to the shell form); an error when it is one holding a non-string.
Result<std::optional<std::vector<std::string>>> parse_json(std::string_view rest) {
  rest = text::trim_left_space(rest);
  if (rest.empty() || rest[0] != '[')
    return std::optional<std::vector<std::string>>();
  auto doc = nlohmann::json::parse(rest, nullptr, false);
  if (doc.is_discarded() || !doc.is_array())
    return std::optional<std::vector<std::string>>();
  std::vector<std::string> out;
  for (const auto &v : doc) {
    if (!v.is_string())
      return make_error(Errc::invalid,
                        "when using JSON array syntax, arrays must be comprised of strings only");
    out.push_back(v.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

// parseMaybeJSON: a JSON array, else the text as one argument.
Status maybe_json(std::string_view rest, Node &node) {
  if (rest.empty())
    return {};
  if (auto arr = TRY(parse_json(rest))) {
    node.args.insert(node.args.end(), arr->begin(), arr->end());
    node.json = true;
  } else {
    node.args.emplace_back(rest);
  }
  return {};
}

// parseMaybeJSONToList: a JSON array, else blank-separated words.
Status maybe_json_to_list(std::string_view rest, Node &node) {
  if (auto arr = TRY(parse_json(rest))) {
    node.args = std::move(*arr);
    node.json = true;
  } else {
    node.args = strings_whitespace_delimited(rest);
  }
  return {};
}

// parseHealthConfig: the type word, then parseMaybeJSON.
Status health_config(std::string_view rest, Node &node) {
  size_t sep = 0;
  while (sep < rest.size() && !byte_is_space(rest[sep]))
    sep++;
  size_t next = sep;
  while (next < rest.size() && byte_is_space(rest[next]))
    next++;
  if (sep == 0)
    return {};
  node.args.emplace_back(rest.substr(0, sep));
  return maybe_json(rest.substr(next), node);
}

bool is_heredoc_keyword(std::string_view lower) {
  return lower == "run" || lower == "copy" || lower == "add";
}

} // namespace

Result<Node> node_from_line(std::string_view line, char escape) {
  Node node;
  node.original = line;
  auto cmdline = text::split_whitespace(text::trim_space(line), 2);
  node.keyword = cmdline[0];
  std::string rest;
  if (cmdline.size() == 2) {
    auto split = extract_flags(cmdline[1], escape);
    node.flags = std::move(split.flags);
    rest = text::trim_space(split.rest);
  }
  std::string k = str::lower(node.keyword);
  if (k == "add" || k == "copy" || k == "volume") {
    TRY_STATUS(maybe_json_to_list(rest, node));
  } else if (k == "run" || k == "cmd" || k == "entrypoint" || k == "shell") {
    TRY_STATUS(maybe_json(rest, node));
  } else if (k == "env" || k == "label") {
    TRY_STATUS(parse_name_val(rest, k == "env" ? "ENV" : "LABEL", escape, node));
  } else if (k == "arg") {
    node.args = parse_words(rest, escape);
  } else if (k == "expose" || k == "from") {
    node.args = strings_whitespace_delimited(rest);
  } else if (k == "healthcheck") {
    TRY_STATUS(health_config(rest, node));
  } else if (k == "maintainer" || k == "stopsignal" || k == "user" || k == "workdir") {
    if (!rest.empty())
      node.args.push_back(rest);
  } else if (k == "onbuild") {
    if (!rest.empty()) {
      Node inner = TRY(node_from_line(rest, escape));
      node.args.push_back(inner.keyword);
      node.args.insert(node.args.end(), inner.args.begin(), inner.args.end());
      node.can_have_heredocs = inner.can_have_heredocs;
    }
    return node;
  }
  // Unknown keywords keep no arguments: typing them fails later.
  node.can_have_heredocs = is_heredoc_keyword(k) && !node.json;
  return node;
}

} // namespace skiff::dockerfile
