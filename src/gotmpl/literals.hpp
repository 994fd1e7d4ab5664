// Go literal syntax inside actions: strings (strconv.Unquote) and numbers
// (parse.newNumber with strconv's base-prefix and underscore rules).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ast.hpp"

namespace skiff::gotmpl::detail {

// A "..." or `...` literal's value; nullopt on bad syntax.
std::optional<std::string> unquote(std::string_view quoted);

// A number or 'c' token as a node; errors carry Go's bare message.
Result<std::unique_ptr<NumberNode>> parse_number(size_t pos, const std::string &text, bool is_char,
                                                 bool is_complex);

} // namespace skiff::gotmpl::detail
