#include "skiff/runtime/user.hpp"

#include <algorithm>

#include "skiff/util/strings.hpp"

namespace skiff::runtime {

namespace {
struct Entry {
  std::vector<std::string> f;
};

std::vector<Entry> parse_db(std::string_view content) {
  std::vector<Entry> out;
  for (const auto &line : str::split(content, '\n')) {
    auto t = str::trim(line);
    if (t.empty() || t.front() == '#')
      continue;
    out.push_back({str::split(t, ':')});
  }
  return out;
}

std::optional<uint32_t> number(std::string_view s) {
  auto v = str::to_int(s);
  if (!v || *v < 0 || *v > 0xffffffffLL)
    return std::nullopt;
  return static_cast<uint32_t>(*v);
}
} // namespace

Result<ExecUser> resolve_user(std::string_view spec, std::string_view passwd,
                              std::string_view group, const std::vector<std::string> &group_add) {
  ExecUser u;
  std::string user_part(spec), group_part;
  if (auto c = str::cut(spec, ':')) {
    user_part = c->first;
    group_part = c->second;
  }
  auto users = parse_db(passwd);
  auto groups = parse_db(group);
  std::string user_name;
  // No user given means root.
  auto uid_num = user_part.empty() ? std::optional<uint32_t>(0) : number(user_part);
  bool found = false;
  for (const auto &e : users) {
    if (e.f.size() < 7)
      continue;
    bool match = uid_num ? number(e.f[2]) == uid_num : e.f[0] == user_part;
    if (!match)
      continue;
    u.uid = number(e.f[2]).value_or(0);
    u.gid = number(e.f[3]).value_or(0);
    u.home = e.f[5].empty() ? "/" : e.f[5];
    user_name = e.f[0];
    found = true;
    break;
  }
  if (!found) {
    if (!uid_num)
      return make_error(Errc::invalid,
                        "unable to find user {}: no matching entries in passwd file", user_part);
    u.uid = *uid_num;
  }
  if (!group_part.empty()) {
    auto gid_num = number(group_part);
    bool gfound = false;
    for (const auto &e : groups) {
      if (e.f.size() < 3)
        continue;
      if (gid_num ? number(e.f[2]) == gid_num : e.f[0] == group_part) {
        u.gid = number(e.f[2]).value_or(0);
        gfound = true;
        break;
      }
    }
    if (!gfound) {
      if (!gid_num)
        return make_error(Errc::invalid,
                          "unable to find group {}: no matching entries in group file",
                          group_part);
      u.gid = *gid_num;
    }
  } else if (!user_name.empty()) {
    // Supplementary groups only when the group was not given explicitly.
    for (const auto &e : groups) {
      if (e.f.size() < 4)
        continue;
      for (const auto &m : str::split(e.f[3], ','))
        if (m == user_name)
          if (auto g = number(e.f[2]))
            u.groups.push_back(*g);
    }
  }
  for (const auto &name : group_add) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Entry &e) {
      return e.f.size() >= 3 && (e.f[0] == name || e.f[2] == name);
    });
    if (it != groups.end()) {
      u.groups.push_back(number(it->f[2]).value_or(0));
      continue;
    }
    auto n = str::to_int(name);
    if (!n)
      return make_error(Errc::invalid, "Unable to find group {}: no matching entries in group file", name);
    if (*n < 0 || *n > 0x7fffffffLL)
      return make_error(Errc::invalid, "uids and gids must be in range 0-2147483647");
    u.groups.push_back(static_cast<gid_t>(*n));
  }
  // Docker lists the primary group among the additional ones and runc
  // sets them as a set; the kernel keeps them sorted.
  u.groups.push_back(u.gid);
  std::sort(u.groups.begin(), u.groups.end());
  u.groups.erase(std::unique(u.groups.begin(), u.groups.end()), u.groups.end());
  return u;
}

} // namespace skiff::runtime
