// Go's fmt printing (Sprint, Sprintln, Sprintf) over JSON values, after
// fmt/print.go and fmt/format.go: verbs apply element-wise inside arrays
// and maps, and mismatches print as %!verb(type=value).
#include <algorithm>
#include <cstdio>
#include <set>

#include "fmt.hpp"
#include "lexer.hpp"

namespace skiff::gotmpl::detail {

namespace {

struct Spec {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  int wid = -1;  // -1: no width
  int prec = -1; // -1: no precision
};

std::string c_format(char verb, int prec, double v) {
  char buf[512];
  switch (verb) {
  case 'e': std::snprintf(buf, sizeof buf, "%.*e", prec, v); break;
  case 'E': std::snprintf(buf, sizeof buf, "%.*E", prec, v); break;
  case 'f': std::snprintf(buf, sizeof buf, "%.*f", prec, v); break;
  case 'G': std::snprintf(buf, sizeof buf, "%.*G", prec, v); break;
  default: std::snprintf(buf, sizeof buf, "%.*g", prec, v);
  }
  return buf;
}

size_t rune_count(std::string_view s) {
  size_t n = 0, w = 0;
  for (size_t i = 0; i < s.size(); i += w, ++n)
    decode_rune(s, i, &w);
  return n;
}

class Printer {
public:
  std::string out;
  // The Types and path of the value being printed, when typed: a struct
  // prints as Go's {v1 v2 ...}, its fields in order, omitted ones as their
  // Go value; a nil map as map[].
  const Types *types = nullptr;
  std::string path;

  void print_typed(const Value &v, char32_t verb, const Spec &f) {
    types = v.types();
    path = v.path();
    print_arg(arg(v), verb, f);
    types = nullptr;
  }

  // One operand of Print or Printf (Go's printArg).
  void print_arg(const json &j, char32_t verb, const Spec &f) {
    if (j.is_null() && types && (is_map() || types->slices.count(path))) {
      pad(is_map() ? "map[]" : "[]", f);
      return;
    }
    if (j.is_null()) {
      if (verb == 'v' || verb == 'T')
        pad("<nil>", f);
      else
        bad_verb(nullptr, verb, f);
      return;
    }
    if (verb == 'T') {
      pad(type_name(j), f);
      return;
    }
    print_value(j, verb, f);
  }

  void doprint(const std::vector<Value> &args, bool ln) {
    bool prev_string = false;
    for (size_t i = 0; i < args.size(); ++i) {
      const json &j = arg(args[i]);
      bool is_string = j.is_string();
      // Print adds a space only between two non-strings; Println always.
      if (i > 0 && (ln || (!is_string && !prev_string)))
        out += ' ';
      print_typed(args[i], 'v', Spec{});
      prev_string = is_string;
    }
    if (ln)
      out += '\n';
  }

  void doprintf(std::string_view format, const std::vector<Value> &args) {
    size_t argn = 0;
    size_t i = 0;
    while (i < format.size()) {
      size_t pct = format.find('%', i);
      out += format.substr(i, pct == std::string_view::npos ? std::string_view::npos : pct - i);
      if (pct == std::string_view::npos)
        break;
      i = pct + 1;
      Spec f;
      for (; i < format.size(); ++i) {
        char c = format[i];
        if (c == '#')
          f.sharp = true;
        else if (c == '0')
          f.zero = !f.minus; // zero padding only on the left
        else if (c == '+')
          f.plus = true;
        else if (c == '-')
          f.minus = true, f.zero = false;
        else if (c == ' ')
          f.space = true;
        else
          break;
      }
      f.wid = parse_num(format, i);
      if (i < format.size() && format[i] == '.') {
        ++i;
        f.prec = parse_num(format, i);
        if (f.prec < 0)
          f.prec = 0;
      }
      if (i >= format.size()) {
        out += "%!(NOVERB)";
        break;
      }
      size_t w = 1;
      char32_t verb = decode_rune(format, i, &w);
      i += w;
      if (verb == '%') {
        out += '%';
        continue;
      }
      if (argn >= args.size()) {
        out += "%!";
        append_rune(out, verb);
        out += "(MISSING)";
        continue;
      }
      if (verb == 'v') {
        // %#v and %+v only change how Go spells structs and Go syntax.
        f.sharp = false;
        f.plus = false;
      }
      print_typed(args[argn++], verb, f);
    }
    if (argn < args.size()) {
      out += "%!(EXTRA ";
      for (size_t k = argn; k < args.size(); ++k) {
        if (k > argn)
          out += ", ";
        const json &j = arg(args[k]);
        if (j.is_null()) {
          out += "<nil>";
          continue;
        }
        out += type_name(j) + "=";
        print_arg(j, 'v', Spec{});
      }
      out += ')';
    }
  }

private:
  static const json &arg(const Value &v) {
    static const json null;
    return v.valid() ? *v : null;
  }

  static int parse_num(std::string_view s, size_t &i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9')
      return -1;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && n < 1000000)
      n = n * 10 + (s[i++] - '0');
    return n;
  }

  // Pads to the width in runes, on the left unless '-'; '0' pads with zeros.
  void pad(std::string_view s, const Spec &f) {
    auto n = static_cast<long>(rune_count(s));
    if (f.wid < 0 || n >= f.wid) {
      out += s;
      return;
    }
    std::string fill(static_cast<size_t>(f.wid - n), f.zero && !f.minus ? '0' : ' ');
    if (f.minus) {
      out += s;
      out += std::string(fill.size(), ' ');
    } else {
      out += fill;
      out += s;
    }
  }

  void bad_verb(const json *j, char32_t verb, const Spec &f) {
    out += "%!";
    append_rune(out, verb);
    out += '(';
    if (j) {
      out += type_name(*j) + "=";
      print_value(*j, 'v', f);
    } else {
      out += "<nil>";
    }
    out += ')';
  }

  void print_value(const json &j, char32_t verb, const Spec &f) {
    switch (j.type()) {
    case json::value_t::null:
      pad("<nil>", f); // a nil element inside an array or map
      return;
    case json::value_t::boolean:
      if (verb == 't' || verb == 'v')
        pad(j.get<bool>() ? "true" : "false", f);
      else
        bad_verb(&j, verb, f);
      return;
    case json::value_t::number_integer: {
      auto v = j.get<int64_t>();
      uint64_t mag = v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
      fmt_integer(j, mag, v < 0, verb, f);
      return;
    }
    case json::value_t::number_unsigned: fmt_integer(j, j.get<uint64_t>(), false, verb, f); return;
    case json::value_t::number_float: fmt_float(j, verb, f); return;
    case json::value_t::string: fmt_string(j, verb, f); return;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json &e : j) {
        if (!first)
          out += ' ';
        first = false;
        print_child(e, "[]", verb, f);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      if (types && !is_map()) {
        print_struct(j, verb, f);
        return;
      }
      out += "map[";
      bool first = true;
      for (const auto &[k, v] : j.items()) {
        if (!first)
          out += ' ';
        first = false;
        print_value(json(k), verb, f);
        out += ':';
        print_child(v, "*", verb, f);
      }
      out += ']';
      return;
    }
    default: bad_verb(&j, verb, f);
    }
  }

  bool is_map() const { return types && types->maps.count(path) > 0; }

  void print_child(const json &j, const std::string &key, char32_t verb, const Spec &f) {
    if (!types) {
      print_value(j, verb, f);
      return;
    }
    std::string parent = path;
    path = Value::join(parent, key);
    if (j.is_null())
      print_arg(j, verb, f);
    else
      print_value(j, verb, f);
    path = std::move(parent);
  }

  // Go's %v of a struct: its fields' values in field order, space
  // separated; the omitempty ones JSON left out as their Go value.
  void print_struct(const json &j, char32_t verb, const Spec &f) {
    out += '{';
    bool first = true;
    auto field = [&](const std::string &key, const json &v) {
      if (!first)
        out += ' ';
      first = false;
      print_child(v, types->go_field(path, key), verb, f);
    };
    std::set<std::string> done;
    if (auto listed = types->order.find(path); listed != types->order.end()) {
      for (const auto &key : listed->second) {
        done.insert(key);
        if (auto it = j.find(key); it != j.end())
          field(key, *it);
        else if (auto o = types->omitted.find(Value::join(path, types->go_field(path, key)));
                 o != types->omitted.end())
          field(key, json::parse(o->second));
      }
    }
    for (const auto &[k, v] : j.items())
      if (!done.count(k))
        field(k, v);
    out += '}';
  }

  void fmt_integer(const json &j, uint64_t mag, bool neg, char32_t verb, Spec f) {
    int base;
    bool upper = false;
    switch (verb) {
    case 'v':
    case 'd': base = 10; break;
    case 'b': base = 2; break;
    case 'o':
    case 'O': base = 8; break;
    case 'x': base = 16; break;
    case 'X': base = 16, upper = true; break;
    case 'c':
    case 'q':
    case 'U': fmt_rune(mag, neg, verb, f); return;
    default: bad_verb(&j, verb, f); return;
    }
    int prec = 0;
    if (f.prec >= 0) {
      prec = f.prec;
      if (prec == 0 && mag == 0) {
        f.zero = false;
        pad("", f);
        return;
      }
    } else if (f.zero && f.wid >= 0) {
      prec = f.wid; // zero padding becomes a minimum digit count
      if (neg || f.plus || f.space)
        --prec;
    }
    const char *dg = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string digits;
    do {
      digits.insert(digits.begin(), dg[mag % static_cast<unsigned>(base)]);
      mag /= static_cast<unsigned>(base);
    } while (mag);
    if (static_cast<int>(digits.size()) < prec)
      digits.insert(0, static_cast<size_t>(prec) - digits.size(), '0');
    std::string prefix;
    if (f.sharp) {
      if (base == 2)
        prefix = "0b";
      else if (base == 8 && digits[0] != '0')
        prefix = "0";
      else if (base == 16)
        prefix = upper ? "0X" : "0x";
    }
    if (verb == 'O')
      prefix = "0o";
    std::string sign = neg ? "-" : f.plus ? "+" : f.space ? " " : "";
    f.zero = false;
    pad(sign + prefix + digits, f);
  }

  void fmt_rune(uint64_t mag, bool neg, char32_t verb, const Spec &f) {
    char32_t r = neg || mag > 0x10ffff ? 0xfffd : static_cast<char32_t>(mag);
    std::string s;
    if (verb == 'c') {
      append_rune(s, r);
    } else if (verb == 'q') {
      std::string one;
      append_rune(one, r);
      s = go_quote(one, '\'', f.plus);
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "U+%04llX", static_cast<unsigned long long>(mag));
      s = buf;
    }
    pad(s, f);
  }

  void fmt_float(const json &j, char32_t verb, Spec f) {
    double v = j.get<double>();
    std::string num;
    if ((verb == 'v' || verb == 'g' || verb == 'G') && f.prec < 0) {
      num = format_float_v(v);
      if (verb == 'G')
        for (char &c : num)
          c = c == 'e' ? 'E' : c;
    } else if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'e' || verb == 'E' ||
               verb == 'f' || verb == 'F') {
      // Explicit or default precision: C rounds exactly like Go here.
      num = c_format(verb == 'v'   ? 'g'
                     : verb == 'F' ? 'f'
                                   : static_cast<char>(verb),
                     f.prec < 0 ? 6 : f.prec, v);
    } else {
      bad_verb(&j, verb, f);
      return;
    }
    char sign = '+';
    if (num[0] == '-') {
      sign = '-';
      num.erase(0, 1);
    }
    if (f.space && sign == '+' && !f.plus)
      sign = ' ';
    if (!f.plus && sign == '+') {
      pad(num, f);
      return;
    }
    // A shown sign goes before any zero padding.
    if (f.zero && f.wid > static_cast<int>(num.size()) + 1) {
      out += sign;
      out += std::string(static_cast<size_t>(f.wid) - num.size() - 1, '0');
      out += num;
      return;
    }
    pad(sign + num, f);
  }

  void fmt_string(const json &j, char32_t verb, const Spec &f) {
    std::string_view s = j.get_ref<const std::string &>();
    if (f.prec >= 0 && (verb == 'v' || verb == 's' || verb == 'q')) {
      // Precision truncates to that many runes.
      size_t i = 0, w = 0;
      for (int n = 0; i < s.size() && n < f.prec; ++n, i += w)
        decode_rune(s, i, &w);
      s = s.substr(0, i);
    }
    switch (verb) {
    case 'v':
    case 's': pad(s, f); return;
    case 'q':
      if (f.sharp && can_backquote(s))
        pad("`" + std::string(s) + "`", f);
      else
        pad(go_quote(s, '"', f.plus), f);
      return;
    case 'x':
    case 'X': fmt_hex(s, verb == 'X', f); return;
    default: bad_verb(&j, verb, f);
    }
  }

  void fmt_hex(std::string_view s, bool upper, const Spec &f) {
    const char *dg = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = f.prec >= 0 ? std::min(s.size(), static_cast<size_t>(f.prec)) : s.size();
    std::string h;
    for (size_t i = 0; i < n; ++i) {
      if (f.space && i > 0)
        h += ' ';
      if (f.sharp && (f.space || i == 0))
        h += upper ? "0X" : "0x";
      auto b = static_cast<unsigned char>(s[i]);
      h += dg[b >> 4];
      h += dg[b & 0xf];
    }
    Spec g = f;
    g.zero = false;
    pad(h, g);
  }

  static bool can_backquote(std::string_view s) {
    size_t w = 0;
    for (size_t i = 0; i < s.size(); i += w) {
      char32_t r = decode_rune(s, i, &w);
      if ((r == 0xfffd && w == 1) || r == '`' || r == 0xfeff)
        return false;
      if ((r < ' ' && r != '\t') || r == 0x7f)
        return false;
    }
    return true;
  }
};

} // namespace

std::string print_value(const Value &v) {
  if (!v.valid())
    return "<no value>";
  Printer p;
  p.print_typed(v, 'v', Spec{});
  return std::move(p.out);
}

std::string sprint(const std::vector<Value> &args) {
  Printer p;
  p.doprint(args, false);
  return std::move(p.out);
}

std::string sprintln(const std::vector<Value> &args) {
  Printer p;
  p.doprint(args, true);
  return std::move(p.out);
}

std::string sprintf(std::string_view format, const std::vector<Value> &args) {
  Printer p;
  p.doprintf(format, args);
  return std::move(p.out);
}

} // namespace skiff::gotmpl::detail
