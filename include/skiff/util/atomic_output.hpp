// Output that appears whole or not at all: a file or directory written
// under a temporary name beside its destination and renamed into place
// when complete, so an interrupted save or export leaves nothing partial.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::fs {

class AtomicFile {
public:
  static Result<AtomicFile> create(const std::string &path, mode_t mode);
  AtomicFile(AtomicFile &&o) noexcept
      : path_(std::move(o.path_)), tmp_(std::exchange(o.tmp_, {})), fd_(std::move(o.fd_)) {}
  AtomicFile &operator=(AtomicFile &&) = delete;
  ~AtomicFile();
  int fd() const { return fd_.get(); }
  // Syncs and renames the temporary file over the destination.
  Status commit();

private:
  AtomicFile(std::string path, std::string tmp, UniqueFd fd)
      : path_(std::move(path)), tmp_(std::move(tmp)), fd_(std::move(fd)) {}
  std::string path_, tmp_;
  UniqueFd fd_;
  bool done_ = false;
};

// A new directory: refused if `path` exists and is not an empty directory.
class AtomicDir {
public:
  static Result<AtomicDir> create(const std::string &path, mode_t mode);
  AtomicDir(AtomicDir &&o) noexcept : path_(std::move(o.path_)), tmp_(std::exchange(o.tmp_, {})) {}
  AtomicDir &operator=(AtomicDir &&) = delete;
  ~AtomicDir();
  const std::string &tmp() const { return tmp_; }
  // Renames the temporary directory into place (over an empty one).
  Status commit();

private:
  AtomicDir(std::string path, std::string tmp) : path_(std::move(path)), tmp_(std::move(tmp)) {}
  std::string path_, tmp_;
  bool done_ = false;
};

} // namespace skiff::fs
