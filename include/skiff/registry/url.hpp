// URL handling the registry client needs: query strings, and the Location
// headers of upload sessions, which registries give as absolute URLs or
// as paths. Pure.
#pragma once

#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::registry {

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view s);

// `url` with "key=value" added to its query, the value percent-encoded.
std::string with_query(std::string_view url, std::string_view key, std::string_view value);

// "scheme://host[:port]" of an absolute URL; empty for anything else.
std::string url_origin(std::string_view url);

// What a Location header names, resolved against the URL of the request
// that got it: an absolute URL, a network-path ("//host/p"), an absolute
// path or a relative one. Moving from https to http is refused.
Result<std::string> resolve_location(std::string_view request_url, std::string_view location);

} // namespace skiff::registry
