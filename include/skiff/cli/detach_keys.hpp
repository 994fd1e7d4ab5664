// Detaching from a container's terminal: Docker's --detach-keys syntax
// and its escape proxy (moby/term escape.go), both pure.
#pragma once

#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::cli {

// Ctrl-P Ctrl-Q, Docker's default.
inline constexpr std::string_view kDefaultDetachKeys = "\x10\x11";

// "ctrl-p,ctrl-q": comma separated keys, each one character or "ctrl-X"
// (X one of @ a-z [ \ ] ^ _) or "DEL". Empty gives the default. A bad key
// is Docker's "invalid detach keys (SPEC): unknown character: 'KEY'" with
// exit code 1.
Result<std::string> parse_detach_keys(std::string_view spec);

// Watches the bytes typed on a terminal for the detach sequence. Bytes
// that may begin it are held back until the sequence is complete (then
// they are dropped and the session detaches) or broken by another byte
// (then they pass on with it). As in moby's proxy, the byte that breaks a
// partial match is passed on without being tried as a new start.
class EscapeFilter {
public:
  explicit EscapeFilter(std::string keys) : keys_(std::move(keys)) {}

  // Appends to `out` what is to be forwarded from `in`; true once the
  // whole sequence was read (what followed it in `in` is dropped).
  bool feed(std::string_view in, std::string &out);
  // At end of input: the held-back start of a sequence, to forward.
  std::string_view pending() const { return std::string_view(keys_).substr(0, matched_); }

private:
  std::string keys_;
  size_t matched_ = 0;
};

} // namespace skiff::cli
