#include "skiff/util/atomic_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>

#include <fmt/format.h>

#include "skiff/util/fs.hpp"

namespace skiff::fs {

static std::string without_trailing_slash(std::string p) {
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  return p;
}

static std::string temp_beside(const std::string &path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{}/.{}.tmp-{:x}", dirname(path), basename(path), rng());
}

Result<AtomicFile> AtomicFile::create(const std::string &path, mode_t mode) {
  if (is_dir(path))
    return make_error(Errc::invalid, "{} is a directory", path);
  std::string tmp = temp_beside(path);
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd)
    return sys_error("creating {}", path);
  return AtomicFile(path, tmp, std::move(fd));
}

AtomicFile::~AtomicFile() {
  if (!done_ && !tmp_.empty())
    ::unlink(tmp_.c_str());
}

Status AtomicFile::commit() {
  if (::fsync(fd_.get()) < 0)
    return sys_error("writing {}", path_);
  if (::rename(tmp_.c_str(), path_.c_str()) < 0)
    return sys_error("writing {}", path_);
  done_ = true;
  return fsync_dir(dirname(path_));
}

Result<AtomicDir> AtomicDir::create(const std::string &dir, mode_t mode) {
  std::string path = without_trailing_slash(dir);
  if (exists(path) && (!is_dir(path) || !dir_empty(path)))
    return make_error(Errc::exists, "{} already exists and is not an empty directory", path);
  std::string tmp = temp_beside(path);
  if (::mkdir(tmp.c_str(), mode) < 0)
    return sys_error("creating {}", path);
  return AtomicDir(path, tmp);
}

AtomicDir::~AtomicDir() {
  if (!done_ && !tmp_.empty())
    (void)remove_all(tmp_);
}

Status AtomicDir::commit() {
  if (::rename(tmp_.c_str(), path_.c_str()) < 0)
    return sys_error("writing {}", path_);
  done_ = true;
  return fsync_dir(dirname(path_));
}

} // namespace skiff::fs
