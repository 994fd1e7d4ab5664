#include "skiff/util/timefmt.hpp"

#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "skiff/util/strings.hpp"

namespace skiff::timefmt {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace {

// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
// Hinnant's civil_from_days): pure arithmetic, no time zone machinery.
void civil_from_days(int64_t z, int64_t &y, unsigned &m, unsigned &d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
// days_from_civil), the inverse of civil_from_days.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void put_digits(std::string &out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 || n < width);
  while (n > 0)
    out += buf[--n];
}

} // namespace

std::string rfc3339nano(int64_t ns) {
  if (ns == 0)
    return "0001-01-01T00:00:00Z";
  // Floor division, so times before 1970 still get a non-negative fraction.
  int64_t secs = ns / 1'000'000'000, frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    secs--;
  }
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  std::string out;
  out.reserve(32);
  put_digits(out, y, 4);
  out += '-';
  put_digits(out, m, 2);
  out += '-';
  put_digits(out, d, 2);
  out += 'T';
  put_digits(out, rem / 3600, 2);
  out += ':';
  put_digits(out, rem / 60 % 60, 2);
  out += ':';
  put_digits(out, rem % 60, 2);
  if (frac) {
    // Go trims trailing zeros of the fraction.
    int width = 9;
    while (frac % 10 == 0) {
      frac /= 10;
      width--;
    }
    out += '.';
    put_digits(out, frac, width);
  }
  out += 'Z';
  return out;
}

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  // By hand rather than sscanf and timegm: `logs --since` parses the time
  // of every line of a log that can hold millions.
  auto num = [&](size_t at, size_t width) -> int64_t {
    int64_t v = 0;
    for (size_t i = at; i < at + width; i++) {
      if (s[i] < '0' || s[i] > '9')
        return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  int64_t y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), sec = num(17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      sec < 0 || sec > 60)
    return std::nullopt;
  int64_t ns = ((days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 24 + h) * 60 + mi) * 60 + sec;
  ns *= 1'000'000'000;
  s.remove_prefix(19);
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    int64_t frac = 0, scale = 100'000'000;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      frac += (s.front() - '0') * scale;
      scale /= 10;
      s.remove_prefix(1);
    }
    ns += frac;
  }
  if (s == "Z" || s == "z" || s.empty())
    return ns;
  if (s.size() == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':') {
    auto hh = str::to_int(s.substr(1, 2)), mm = str::to_int(s.substr(4, 2));
    if (!hh || !mm)
      return std::nullopt;
    int64_t off = (*hh * 3600 + *mm * 60) * 1'000'000'000LL;
    return s[0] == '+' ? ns - off : ns + off;
  }
  return std::nullopt;
}

std::string rfc3339nano_fixed(int64_t ns) {
  // The trimmed fraction padded back to nine digits, as Go's
  // "2006-01-02T15:04:05.000000000Z07:00" layout prints it.
  std::string text = rfc3339nano(ns);
  std::string_view v(text);
  v.remove_suffix(1);  // 'Z'
  size_t dot = v.find('.');
  std::string out(v);
  if (dot == std::string_view::npos)
    out += '.';
  out.append(dot == std::string_view::npos ? 9 : 9 - (v.size() - dot - 1), '0');
  out += 'Z';
  return out;
}

static tm local_tm(int64_t secs) {
  time_t t = static_cast<time_t>(secs);
  tm out;
  localtime_r(&t, &out);
  return out;
}

std::string go_local_time(int64_t secs) {
  tm t = local_tm(secs);
  char buf[96];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z %Z", &t);
  return std::string(buf, n);
}

std::string go_local_time_ns(int64_t ns) {
  int64_t secs = ns / 1'000'000'000, frac = ns % 1'000'000'000;
  if (frac < 0) {
    secs--;
    frac += 1'000'000'000;
  }
  std::string s = go_local_time(secs);
  if (frac == 0)
    return s;
  std::string digits = fmt::format("{:09}", frac);
  digits.erase(digits.find_last_not_of('0') + 1);
  return s.insert(19, "." + digits);
}

std::string rfc3339_local(int64_t secs) {
  tm t = local_tm(secs);
  char buf[64];
  std::string s(buf, strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t));
  long off = t.tm_gmtoff / 60;
  if (off == 0)
    return s + "Z";
  return s + fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
}

std::string human_duration(int64_t ns) {
  int64_t seconds = ns / 1'000'000'000;
  if (seconds < 1)
    return "Less than a second";
  if (seconds == 1)
    return "1 second";
  if (seconds < 60)
    return fmt::format("{} seconds", seconds);
  int64_t minutes = ns / 60'000'000'000LL;
  if (minutes == 1)
    return "About a minute";
  if (minutes < 60)
    return fmt::format("{} minutes", minutes);
  int64_t hours = ns / 3'600'000'000'000LL;
  if (hours == 1)
    return "About an hour";
  if (hours < 48)
    return fmt::format("{} hours", hours);
  if (hours < 24 * 7 * 2)
    return fmt::format("{} days", hours / 24);
  if (hours < 24 * 30 * 2)
    return fmt::format("{} weeks", hours / 24 / 7);
  if (hours < 24 * 365 * 2)
    return fmt::format("{} months", hours / 24 / 30);
  return fmt::format("{} years", hours / 24 / 365);
}

std::optional<int64_t> parse_go_duration(std::string_view s) {
  if (s.empty())
    return std::nullopt;
  bool neg = false;
  if (s.front() == '-' || s.front() == '+') {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0")
    return 0;
  double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
      i++;
    if (i == 0)
      return std::nullopt;
    auto num = str::to_double(s.substr(0, i));
    if (!num)
      return std::nullopt;
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !((s[j] >= '0' && s[j] <= '9') || s[j] == '.'))
      j++;
    auto unit = s.substr(0, j);
    s.remove_prefix(j);
    double mult;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "µs")
      mult = 1e3;
    else if (unit == "ms")
      mult = 1e6;
    else if (unit == "s")
      mult = 1e9;
    else if (unit == "m")
      mult = 60e9;
    else if (unit == "h")
      mult = 3600e9;
    else
      return std::nullopt;
    total += *num * mult;
  }
  return static_cast<int64_t>(neg ? -total : total);
}

std::optional<int64_t> parse_time_arg(std::string_view s, int64_t now) {
  if (auto d = parse_go_duration(s); d && !str::to_double(s))
    return now - *d;
  if (auto secs = str::to_double(s))
    return static_cast<int64_t>(*secs * 1e9);
  if (auto t = parse_rfc3339(s))
    return t;
  // A date alone ("2026-11-22") as Docker accepts.
  if (s.size() == 10)
    return parse_rfc3339(std::string(s) + "T00:00:00Z");
  return std::nullopt;
}

std::optional<int64_t> parse_http_date(std::string_view s) {
  std::string text(s);
  for (const char *form : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    tm t{};
    const char *end = ::strptime(text.c_str(), form, &t);
    if (end && *end == '\0')
      return static_cast<int64_t>(::timegm(&t));
  }
  return std::nullopt;
}

} // namespace skiff::timefmt
