// The parts of Go's fmt, strconv and encoding/json that templates expose.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "value.hpp"

namespace skiff::gotmpl::detail {

// strconv.Quote (quote '"') and strconv.QuoteRune's escaping (quote '\'').
std::string go_quote(std::string_view s, char quote = '"', bool ascii_only = false);

// A non-negative float as decimal digits: value = 0.digits × 10^dp.
// Shortest digits that round-trip, like Go's strconv with precision -1.
struct Decimal {
  std::string digits;
  int dp = 0;
};
Decimal shortest_decimal(double v);
std::string format_e(const Decimal &d, int prec, char e);
std::string format_f(const Decimal &d, int prec);

// fmt's %v of a float64, e.g. 1.5, 1e+06, 1e-05.
std::string format_float_v(double v);

// fmt.Fprint of an action's value; no value prints "<no value>".
std::string print_value(const Value &v);

// fmt.Sprint, fmt.Sprintln and fmt.Sprintf; a value-less argument acts as
// Go's nil interface.
std::string sprint(const std::vector<Value> &args);
std::string sprintln(const std::vector<Value> &args);
std::string sprintf(std::string_view format, const std::vector<Value> &args);

// docker/cli's json function: encoding/json without HTML escaping and
// without the trailing newline; keys sorted as Go sorts map keys.
std::string json_encode(const json &j);

} // namespace skiff::gotmpl::detail
