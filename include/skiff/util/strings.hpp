// Small string helpers shared by parsers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::str {

std::vector<std::string> split(std::string_view s, char sep);
// Splits at the first `sep`: ("a=b=c", '=') -> {"a", "b=c"}; no sep -> nullopt.
std::optional<std::pair<std::string, std::string>> cut(std::string_view s, char sep);
std::string join(const std::vector<std::string> &parts, std::string_view sep);
std::string_view trim(std::string_view s);
std::string lower(std::string_view s);
std::optional<long long> to_int(std::string_view s);
std::optional<double> to_double(std::string_view s);

} // namespace skiff::str
