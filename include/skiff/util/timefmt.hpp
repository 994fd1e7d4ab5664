// Timestamps as Docker shows them: RFC 3339 with nanoseconds in JSON, and
// go-units' HumanDuration in tables ("About a minute ago").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::timefmt {

// Nanoseconds since the Unix epoch, wall clock.
int64_t now_ns();
// "2026-11-22T15:30:21.123456789Z"; 0 gives Go's zero time
// "0001-01-01T00:00:00Z" as Docker prints for never-set times.
std::string rfc3339nano(int64_t ns);
// The same with all nine digits of the fraction, as `docker logs -t` prints
// times: "2026-11-22T15:30:21.120000000Z".
std::string rfc3339nano_fixed(int64_t ns);
std::optional<int64_t> parse_rfc3339(std::string_view s);
// An HTTP date (Last-Modified) in seconds, in the three forms Go's
// http.ParseTime takes: RFC 1123 ("Mon, 02 Jan 2006 15:04:05 GMT"),
// RFC 850 ("Monday, 02-Jan-06 15:04:05 GMT") and asctime.
std::optional<int64_t> parse_http_date(std::string_view s);
// Whole seconds in the local time zone, as docker/cli prints them: Go's
// time.Unix(s, 0).String(), "2026-11-22 15:30:21 +0100 CET", and its
// Format(time.RFC3339), "2026-11-22T15:30:21+01:00" ("Z" for UTC).
std::string go_local_time(int64_t secs);
std::string rfc3339_local(int64_t secs);
// go_local_time with the fraction of a second Go's Time.String prints
// (trailing zeros dropped): "2026-11-22 15:30:21.0526 +0000 UTC".
std::string go_local_time_ns(int64_t ns);
// go-units HumanDuration: "Less than a second", "3 seconds", "About a minute",
// "5 minutes", "About an hour", "3 hours", "2 days", "3 weeks", "4 months", "2 years".
std::string human_duration(int64_t ns);
// --since/--until values: RFC 3339 timestamps, Unix seconds (with optional
// fraction), or Go durations relative to `now_ns` ("10m", "1h30m").
std::optional<int64_t> parse_time_arg(std::string_view s, int64_t now_ns);
// Go duration strings: "300ms", "1.5h", "2h45m".
std::optional<int64_t> parse_go_duration(std::string_view s);

} // namespace skiff::timefmt
