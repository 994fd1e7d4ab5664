// File helpers: whole-file reads, atomic replacement, directory trees, and
// path resolution that cannot leave a given root.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::fs {

Result<std::string> read_file(const std::string &path);
// Writes to a temp file beside `path` (`<path>.tmp-<pid>-<random>`),
// fsyncs it when `durable`, renames it over `path` and (when durable)
// fsyncs the directory.
Status write_file_atomic(const std::string &path, std::string_view data,
                         bool durable = true, mode_t mode = 0644);
// Writes all of `data` to `fd`, retrying short writes and EINTR; `what`
// names the destination in the error.
Status write_all(int fd, std::string_view data, std::string_view what);
// Writes all of `data` to a socket without raising SIGPIPE; false once the
// reading side is closed (or the socket fails otherwise).
bool send_all(int fd, std::string_view data);
Status write_file(const std::string &path, std::string_view data,
                  mode_t mode = 0644);
Status mkdir_p(const std::string &path, mode_t mode = 0755);
// rm -rf without following symlinks; a missing path is not an error.
Status remove_all(const std::string &path);
// Empties the open directory `dir_fd` (`where` names it in errors).
Status remove_contents(int dir_fd, const std::string &where);
bool exists(const std::string &path);
bool is_dir(const std::string &path);
// Names in a directory, without "." and "..", unsorted. Missing dir: empty.
Result<std::vector<std::string>> list_dir(const std::string &path);
Status fsync_dir(const std::string &dir);

// Opens `rel` as if `root` were "/": "..", absolute symlinks and magic links
// all stay inside (openat2 RESOLVE_IN_ROOT).
Result<UniqueFd> open_in_root(int root_fd, std::string_view rel, int flags,
                              mode_t mode = 0);
// Creates each missing directory of `rel` under root, resolving in root.
Result<UniqueFd> mkdir_in_root(int root_fd, std::string_view rel,
                               mode_t mode = 0755);

// Copies the contents of one directory into another: files, directories
// and symlinks (as links, never followed), with modes, owners and times.
// Devices, fifos and sockets are skipped.
Status copy_tree(int src_dir_fd, int dst_dir_fd);
// Copies one extracted layer (overlay format: whiteouts are 0/0 character
// devices, opaque directories carry an overlay.opaque="y" xattr) onto the
// layers below it in dst: whiteouts delete, opaque directories are emptied
// first, entries replace what they cover.
Status apply_layer_copy(int src_dir_fd, int dst_dir_fd);
// Bytes in regular files below `path` (not following symlinks).
uint64_t tree_size(const std::string &path);
bool dir_empty(const std::string &path);

std::string dirname(std::string_view path);
std::string basename(std::string_view path);
// Lexically cleaned absolute path ("a/../b" -> "/b"); never above "/".
std::string clean_path(std::string_view path);

} // namespace skiff::fs
