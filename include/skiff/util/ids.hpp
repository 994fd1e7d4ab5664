// Container and volume identifiers: 64-hex random IDs and Docker-style
// "adjective_surname" names.
#pragma once

#include <string>

namespace skiff::ids {

std::string random_id();   // 64 lowercase hex characters from getrandom
std::string random_name(); // "quirky_hopper"
std::string short_id(const std::string &id); // first 12 characters

} // namespace skiff::ids
