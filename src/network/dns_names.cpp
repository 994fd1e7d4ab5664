#include "skiff/network/dns_names.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "skiff/util/strings.hpp"

namespace skiff::network::dns {

namespace {

std::string normal(std::string_view name) {
  if (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  return str::lower(name);
}

// Letters, digits, '-', '_' and '.'-separated non-empty labels of at most
// 63 bytes, 253 in all: what a container name, alias or ID can be and a
// query's plain name can match.
bool dns_name(std::string_view n) {
  if (n.empty() || n.size() > 253)
    return false;
  for (const auto &label : str::split(n, '.')) {
    if (label.empty() || label.size() > 63)
      return false;
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
        return false;
  }
  return true;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
      i++;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      i++;
    if (i > start)
      out.push_back(line.substr(start, i - start));
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

std::optional<Address> parse_address(std::string_view text) {
  std::string s(text);
  Address a;
  if (::inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1)
    return a;
  a.v6 = true;
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1)
    return a;
  return std::nullopt;
}

std::string format_address(const Address &a) {
  char buf[INET6_ADDRSTRLEN];
  ::inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<Address> parse_reverse_name(std::string_view name) {
  std::string n = normal(name);
  auto labels = str::split(n, '.');
  Address a;
  if (labels.size() == 6 && labels[4] == "in-addr" && labels[5] == "arpa") {
    for (size_t i = 0; i < 4; i++) {
      const auto &l = labels[3 - i];
      if (l.empty() || l.size() > 3 || (l.size() > 1 && l[0] == '0'))
        return std::nullopt;
      int v = 0;
      for (char c : l) {
        if (c < '0' || c > '9')
          return std::nullopt;
        v = v * 10 + (c - '0');
      }
      if (v > 255)
        return std::nullopt;
      a.bytes[i] = static_cast<uint8_t>(v);
    }
    return a;
  }
  if (labels.size() == 34 && labels[32] == "ip6" && labels[33] == "arpa") {
    a.v6 = true;
    for (size_t i = 0; i < 32; i++) {
      const auto &l = labels[31 - i];
      int v = l.size() == 1 ? hex_digit(l[0]) : -1;
      if (v < 0)
        return std::nullopt;
      a.bytes[i / 2] = static_cast<uint8_t>(a.bytes[i / 2] | (i % 2 == 0 ? v << 4 : v));
    }
    return a;
  }
  return std::nullopt;
}

NameTable NameTable::parse(std::string_view text) {
  NameTable t;
  for (const auto &raw : str::split(text, '\n')) {
    std::string_view line = raw;
    if (auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    auto f = fields(line);
    if (f.size() < 2)
      continue;
    auto addr = parse_address(f[0]);
    if (!addr)
      continue;
    Entry e{*addr, {}};
    for (size_t i = 1; i < f.size(); i++) {
      std::string n = normal(f[i]);
      if (dns_name(n))
        e.names.push_back(std::move(n));
    }
    if (!e.names.empty())
      t.entries_.push_back(std::move(e));
  }
  return t;
}

bool NameTable::has(std::string_view name) const {
  std::string n = normal(name);
  for (const auto &e : entries_)
    for (const auto &en : e.names)
      if (en == n)
        return true;
  return false;
}

std::vector<Address> NameTable::lookup(std::string_view name, bool v6) const {
  std::string n = normal(name);
  std::vector<Address> out;
  for (const auto &e : entries_) {
    if (e.address.v6 != v6)
      continue;
    for (const auto &en : e.names)
      if (en == n) {
        if (std::find(out.begin(), out.end(), e.address) == out.end())
          out.push_back(e.address);
        break;
      }
  }
  return out;
}

std::optional<std::string> NameTable::reverse(const Address &a) const {
  for (const auto &e : entries_)
    if (e.address == a)
      return e.names.front();
  return std::nullopt;
}

std::optional<std::string> table_name(const NameTable &table, std::string_view asked,
                                      const std::vector<std::string> &search_domains) {
  std::string n = normal(asked);
  if (table.has(n))
    return n;
  for (const auto &domain : search_domains) {
    std::string suffix = "." + normal(domain);
    if (suffix.size() > 1 && n.size() > suffix.size() && n.ends_with(suffix)) {
      std::string rest = n.substr(0, n.size() - suffix.size());
      if (table.has(rest))
        return rest;
    }
  }
  return std::nullopt;
}

} // namespace skiff::network::dns
