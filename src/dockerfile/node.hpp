// The untyped instruction BuildKit's parser (parser.go, line_parsers.go)
// makes of each logical line, before instructions.cpp types it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/dockerfile/dockerfile.hpp"

namespace skiff::dockerfile {

struct Node {
  std::string keyword;             // as written ("run")
  std::vector<std::string> flags;  // `--name=value` words, unquoted
  // BuildKit's nodeArgs: ENV and LABEL give (key, value, "=" or "")
  // triples; HEALTHCHECK its type then the command; ONBUILD the inner
  // keyword then the inner arguments.
  std::vector<std::string> args;
  bool json = false;               // the arguments were a JSON array
  bool can_have_heredocs = false;  // RUN, COPY, ADD (or ONBUILD of one), not JSON
  std::string original;            // the logical line, continuations joined
  int line = 0;
  std::vector<Heredoc> heredocs;   // content as written (not chomped)
};

// One logical line (no newline) as its node; errors in BuildKit's words,
// without a location.
Result<Node> node_from_line(std::string_view line, char escape);

struct Nodes {
  std::vector<Node> nodes;
  std::string syntax;
  char escape = '\\';
};

// The whole file: directives, comments, continuations, heredoc bodies.
// Errors are "FILE:LINE: MESSAGE".
Result<Nodes> parse_nodes(std::string_view text, const std::string &file_name);

} // namespace skiff::dockerfile
