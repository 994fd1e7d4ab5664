#include "keys.hpp"

#include "skiff/util/digest.hpp"

namespace skiff::build {

std::string cache_key(std::initializer_list<std::string_view> parts) {
  std::string data;
  for (auto p : parts) {
    data += std::to_string(p.size());
    data += ':';
    data += p;
  }
  return sha256_hex(data);
}

} // namespace skiff::build
