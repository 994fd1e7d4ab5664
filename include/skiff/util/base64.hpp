// Standard base64 (RFC 4648, with padding), as registry auth files and
// Basic authorization headers use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff {

std::string base64_encode(std::string_view data);
// nullopt for characters outside the alphabet or a bad length; padding
// may be left out.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace skiff
