#include "skiff/cli/ps_command.hpp"

#include "skiff/gotmpl/template.hpp"

namespace skiff::cli {

// docker/cli's Ellipsis: at most `max` characters (UTF-8 sequences), the
// last replaced by "…" when cut. Every character counts one column here;
// docker/cli counts East Asian wide ones two.
static std::string ellipsis(const std::string &s, size_t max) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); i++)
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80)
      starts.push_back(i);
  if (starts.size() <= max)
    return s;
  return s.substr(0, starts[max - 1]) + "…";
}

std::string ps_command(const std::vector<std::string> &argv, bool no_trunc) {
  std::string cmd;
  for (size_t i = 0; i < argv.size(); i++) {
    if (i)
      cmd += ' ';
    // The path itself is never quoted, only the arguments.
    cmd += i > 0 && argv[i].find(' ') != std::string::npos ? "'" + argv[i] + "'" : argv[i];
  }
  return gotmpl::quote(no_trunc ? cmd : ellipsis(cmd, 20));
}

} // namespace skiff::cli
