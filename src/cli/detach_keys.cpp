#include "skiff/cli/detach_keys.hpp"

#include "skiff/util/strings.hpp"

namespace skiff::cli {

// moby/term's ASCII table: "ctrl-@" is 0, "ctrl-a" 1, ... "ctrl-_" 31.
static constexpr std::string_view kCtrlKeys = "@abcdefghijklmnopqrstuvwxyz[\\]^_";

Result<std::string> parse_detach_keys(std::string_view spec) {
  if (spec.empty())
    return std::string(kDefaultDetachKeys);
  std::string codes;
  for (const auto &key : str::split(spec, ',')) {
    if (key.size() == 1) {
      codes += key[0];
    } else if (key.size() == 6 && key.rfind("ctrl-", 0) == 0 && kCtrlKeys.find(key[5]) != std::string_view::npos) {
      codes += static_cast<char>(kCtrlKeys.find(key[5]));
    } else if (key == "DEL") {
      codes += '\x7f';
    } else {
      return Error{Errc::invalid, fmt::format("invalid detach keys ({}): unknown character: '{}'", spec, key), 1};
    }
  }
  return codes;
}

bool EscapeFilter::feed(std::string_view in, std::string &out) {
  for (char c : in) {
    if (c == keys_[matched_]) {
      if (++matched_ == keys_.size()) {
        matched_ = 0;
        return true;
      }
      continue;
    }
    out += pending();
    out += c;
    matched_ = 0;
  }
  return false;
}

} // namespace skiff::cli
