#include "skiff/runtime/caps.hpp"

#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "skiff/util/strings.hpp"

namespace skiff::runtime {

const std::vector<std::string> &default_caps() {
  // moby's oci/caps/defaults.go
  static const std::vector<std::string> caps = {
      "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FSETID",      "CAP_FOWNER",  "CAP_MKNOD",
      "CAP_NET_RAW", "CAP_SETGID",           "CAP_SETUID",      "CAP_SETFCAP", "CAP_SETPCAP",
      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",     "CAP_AUDIT_WRITE"};
  return caps;
}

static int last_cap() {
  static int last = [] {
    int l = CAP_LAST_CAP;
    // The running kernel may know more or fewer than the headers.
    while (::prctl(PR_CAPBSET_READ, l + 1, 0, 0, 0) >= 0)
      l++;
    while (l > 0 && ::prctl(PR_CAPBSET_READ, l, 0, 0, 0) < 0)
      l--;
    return l;
  }();
  return last;
}

std::vector<std::string> all_caps() {
  std::vector<std::string> out;
  for (int c = 0; c <= last_cap(); c++) {
    // "All" is all this process can pass on: its bounding set.
    if (::prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1)
      continue;
    char *n = cap_to_name(static_cast<cap_value_t>(c));
    if (!n)
      continue;
    std::string s = n;
    cap_free(n);
    if (s.rfind("cap_", 0) == 0) {
      for (auto &ch : s)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.push_back(s);
    }
  }
  return out;
}

Result<std::string> normalize_cap(const std::string &name) {
  std::string up;
  for (char ch : name)
    up += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (up.rfind("CAP_", 0) != 0)
    up = "CAP_" + up;
  cap_value_t v;
  if (cap_from_name(str::lower(up).c_str(), &v) < 0)
    return make_error(Errc::invalid, "unknown capability: \"{}\"", up);  // moby oci/caps's words
  return up;
}

Result<std::vector<std::string>> effective_caps(const std::vector<std::string> &add,
                                                const std::vector<std::string> &drop,
                                                bool privileged) {
  auto is_all = [](const std::string &s) { return str::lower(s) == "all"; };
  std::vector<std::string> set = privileged ? all_caps() : default_caps();
  if (privileged)
    return set;
  bool add_all = std::any_of(add.begin(), add.end(), is_all);
  bool drop_all = std::any_of(drop.begin(), drop.end(), is_all);
  if (drop_all)
    set.clear();
  else
    for (const auto &d : drop) {
      auto n = TRY(normalize_cap(d));
      set.erase(std::remove(set.begin(), set.end(), n), set.end());
    }
  if (add_all)
    return all_caps();
  for (const auto &a : add) {
    auto n = TRY(normalize_cap(a));
    if (std::find(set.begin(), set.end(), n) == set.end())
      set.push_back(n);
  }
  return set;
}

std::vector<int> cap_numbers(const std::vector<std::string> &names) {
  std::vector<int> out;
  for (const auto &n : names) {
    cap_value_t v;
    if (cap_from_name(str::lower(n).c_str(), &v) == 0)
      out.push_back(v);
  }
  return out;
}

int drop_bounding(const std::vector<int> &caps) {
  auto keep = [&](int c) { return std::find(caps.begin(), caps.end(), c) != caps.end(); };
  for (int c = 0; c <= last_cap(); c++)
    if (!keep(c) && ::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return errno;
  return 0;
}

int set_caps(const std::vector<int> &caps) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  for (int c : caps) {
    if (c > last_cap())
      continue;
    unsigned idx = static_cast<unsigned>(c) / 32, bit = 1u << (c % 32);
    data[idx].effective |= bit;
    data[idx].permitted |= bit;
  }
  if (::syscall(SYS_capset, &hdr, data) < 0)
    return errno;
  return 0;
}

} // namespace skiff::runtime
