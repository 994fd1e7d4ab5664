#include "skiff/registry/url.hpp"

#include <cctype>

namespace skiff::registry {

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string with_query(std::string_view url, std::string_view key, std::string_view value) {
  std::string out(url.substr(0, url.find('#')));
  if (out.find('?') == std::string::npos)
    out += '?';
  else if (out.back() != '?' && out.back() != '&')
    out += '&';
  return out + std::string(key) + "=" + url_encode(value);
}

std::string url_origin(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0)
    return {};
  auto end = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, end));
}

Result<std::string> resolve_location(std::string_view request_url, std::string_view location) {
  std::string origin = url_origin(request_url);
  if (origin.empty())
    return make_error(Errc::invalid, "\"{}\" is not an absolute URL", request_url);
  if (location.empty())
    return make_error(Errc::failed, "the registry gave an empty Location");
  std::string scheme = origin.substr(0, origin.find(':'));
  std::string out;
  if (!url_origin(location).empty())
    out = std::string(location);
  else if (location.starts_with("//"))
    out = scheme + ":" + std::string(location);
  else if (location.front() == '/')
    out = origin + std::string(location);
  else {
    // Relative to the request's directory.
    std::string_view path = request_url.substr(origin.size());
    path = path.substr(0, path.find_first_of("?#"));
    auto slash = path.rfind('/');
    out = origin + std::string(slash == std::string_view::npos ? "/" : path.substr(0, slash + 1)) +
          std::string(location);
  }
  if (scheme == "https" && !out.starts_with("https://"))
    return make_error(Errc::failed, "the registry sent an upload location that leaves https: \"{}\"",
                      location);
  return out;
}

} // namespace skiff::registry
