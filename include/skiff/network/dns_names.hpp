// A network's DNS name table: RUNROOT/networks/<id>/names, in /etc/hosts
// format, one line per running container (`<ip> <name> <alias>... <short
// id>`), and the lookups the DNS server makes in it. Pure: the text in,
// answers out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::network::dns {

struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // 4 used for IPv4
  bool operator==(const Address &) const = default;
};

// "10.1.2.3" or "fd00::1": nullopt for anything else.
std::optional<Address> parse_address(std::string_view text);
std::string format_address(const Address &a);

// The address a reverse name asks for: "3.2.1.10.in-addr.arpa" (four
// decimal labels) or the 32 nibbles of ip6.arpa; any case, with or without
// the trailing dot.
std::optional<Address> parse_reverse_name(std::string_view name);

class NameTable {
public:
  // Lines that are blank, comments (from '#') or whose address does not
  // parse are skipped, and so are names that cannot be DNS names.
  static NameTable parse(std::string_view text);

  bool empty() const { return entries_.empty(); }
  // Whether `name` (any case, a trailing dot ignored) is in the table:
  // the server answers it, with no address for a type it lacks.
  bool has(std::string_view name) const;
  // Its addresses of one family, in file order.
  std::vector<Address> lookup(std::string_view name, bool v6) const;
  // The first name of the first line with this address.
  std::optional<std::string> reverse(const Address &a) const;

private:
  struct Entry {
    Address address;
    std::vector<std::string> names;  // lower case, no trailing dot
  };
  std::vector<Entry> entries_;
};

// The name to look up for `asked`: itself if the table has it, else
// `asked` with one of the search domains (a container's resolver appends
// the host's) cut off its end if the rest is in the table.
std::optional<std::string> table_name(const NameTable &table, std::string_view asked,
                                      const std::vector<std::string> &search_domains);

} // namespace skiff::network::dns
