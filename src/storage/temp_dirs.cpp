#include "skiff/storage/temp_dirs.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"

namespace skiff::storage {

std::string temp_path(const std::string &dir, std::string_view prefix) {
  return fmt::format("{}/{}{}-{}", dir, prefix, ::getpid(), ids::random_id().substr(0, 8));
}

pid_t temp_owner(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix))
    return 0;
  name.remove_prefix(prefix.size());
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (ec != std::errc() || pid <= 0 || end == name.data() + name.size() || *end != '-')
    return 0;
  return pid;
}

void sweep_temps(const std::string &dir, std::string_view prefix) {
  auto names = fs::list_dir(dir);
  if (!names)
    return;
  for (const auto &n : *names) {
    pid_t owner = temp_owner(n, prefix);
    // EPERM: alive, only not ours to signal.
    if (owner == 0 || owner == ::getpid() || ::kill(owner, 0) == 0 || errno != ESRCH)
      continue;
    std::string mine = temp_path(dir, prefix);
    if (::rename((dir + "/" + n).c_str(), mine.c_str()) == 0)
      (void)fs::remove_all(mine);
  }
}

void sweep_file_temps(const std::string &dir) {
  auto names = fs::list_dir(dir);
  if (!names)
    return;
  for (const auto &n : *names) {
    auto at = n.rfind(".tmp-");
    pid_t owner = at == std::string::npos ? 0 : temp_owner(std::string_view(n).substr(at), ".tmp-");
    if (owner != 0 && owner != ::getpid() && ::kill(owner, 0) < 0 && errno == ESRCH)
      ::unlink((dir + "/" + n).c_str());
  }
}

void remove_file_temps(const std::string &file) {
  std::string dir = fs::dirname(file), prefix = fs::basename(file) + ".tmp-";
  for (const auto &n : fs::list_dir(dir).value_or(std::vector<std::string>{}))
    if (n.starts_with(prefix))
      ::unlink((dir + "/" + n).c_str());
}

Status remove_tree(const std::string &path, const std::string &dir, std::string_view prefix) {
  std::string mine = temp_path(dir, prefix);
  if (::rename(path.c_str(), mine.c_str()) < 0)
    return errno == ENOENT ? Status{} : sys_error("removing {}", path);
  return fs::remove_all(mine);
}

} // namespace skiff::storage
