// Frames on the attach socket between a supervisor and its clients
// (foreground run, attach, start -a): [type u8][length u32 BE][payload].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::supervisor {

enum class Frame : uint8_t {
  stdin_data = 0,   // client -> supervisor
  stdout_data = 1,  // supervisor -> client
  stderr_data = 2,  // supervisor -> client
  exit = 3,         // supervisor -> client: the exit code as text; last frame
  resize = 4,       // client -> supervisor: "rows cols"
  stdin_eof = 5,    // client -> supervisor
};

std::string encode_frame(Frame type, std::string_view payload);

// Takes one complete frame off the front of `buf`, if there is one.
struct Decoded {
  Frame type;
  std::string payload;
};
std::optional<Decoded> decode_frame(std::string &buf);

} // namespace skiff::supervisor
