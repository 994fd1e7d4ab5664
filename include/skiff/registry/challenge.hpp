// WWW-Authenticate challenges (RFC 7235) as registries send them on 401:
// `Bearer realm="https://auth.example/token",service="reg",scope="..."`
// or `Basic realm="Registry"`.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::registry {

struct Challenge {
  std::string scheme;                         // lowercase: "bearer", "basic"
  std::map<std::string, std::string> params;  // lowercase keys, unquoted values

  std::string param(const std::string &key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  }
};

// Every challenge in one header value (several may share it, separated by
// commas); malformed parts end the parse with what was read so far.
std::vector<Challenge> parse_challenges(std::string_view header);

} // namespace skiff::registry
