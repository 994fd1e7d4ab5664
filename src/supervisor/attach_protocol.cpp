#include "skiff/supervisor/attach_protocol.hpp"

namespace skiff::supervisor {

std::string encode_frame(Frame type, std::string_view payload) {
  std::string out;
  out.reserve(5 + payload.size());
  out += static_cast<char>(type);
  uint32_t n = static_cast<uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>((n >> shift) & 0xff);
  out.append(payload);
  return out;
}

std::optional<Decoded> decode_frame(std::string &buf) {
  if (buf.size() < 5)
    return std::nullopt;
  uint32_t n = 0;
  for (int i = 1; i < 5; i++)
    n = (n << 8) | static_cast<unsigned char>(buf[static_cast<size_t>(i)]);
  if (buf.size() < 5 + size_t(n))
    return std::nullopt;
  Decoded d{static_cast<Frame>(buf[0]), buf.substr(5, n)};
  buf.erase(0, 5 + size_t(n));
  return d;
}

} // namespace skiff::supervisor
