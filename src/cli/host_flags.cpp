#include "host_flags.hpp"

#include "skiff/spec/merge.hpp"

namespace skiff::cli {

Flag add_host_flag() {
  return {"add-host", 0, FlagKind::list, "Add a custom host-to-IP mapping (host:ip)", "none", "list"};
}

Result<std::vector<std::string>> add_hosts(const Args &a) {
  std::vector<std::string> out;
  for (const auto &h : a.all("add-host")) {
    auto checked = spec::extra_host(h);
    if (!checked)
      return make_error(Errc::usage, "invalid argument \"{}\" for \"--add-host\" flag: {}", h, checked.error().message);
    out.push_back(*checked);
  }
  return out;
}

} // namespace skiff::cli
