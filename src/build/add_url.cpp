// ADD's remote sources (add_url.hpp).
#include "add_url.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/engine/build_inputs.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::build {

namespace {

// The URL's path: after the authority, before any query or fragment.
std::string_view url_path(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos)
    return {};
  url.remove_prefix(scheme + 3);
  auto slash = url.find('/');
  if (slash == std::string_view::npos)
    return {};
  url.remove_prefix(slash);
  return url.substr(0, url.find_first_of("?#"));
}

} // namespace

bool is_http_source(std::string_view src) {
  return src.starts_with("http://") || src.starts_with("https://");
}

bool is_git_source(std::string_view src) {
  if (src.starts_with("git@") || src.starts_with("git://") || src.starts_with("ssh://"))
    return true;
  return is_http_source(src) && url_path(src).ends_with(".git");
}

std::string url_file_name(std::string_view url) {
  std::string path = fs::clean_path(std::string(url_path(url)));
  std::string base = fs::basename(path);
  if (base.empty() || base == "/" || base == ".")
    return "__unnamed__";
  return base;
}

Status check_checksum(std::string_view checksum) {
  auto colon = checksum.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return make_error(Errc::invalid, "invalid checksum digest format");
  if (checksum.substr(0, colon) != "sha256")
    return make_error(Errc::invalid, "unsupported digest algorithm");
  if (!digest_hex(checksum))
    return make_error(Errc::invalid, "invalid checksum digest length");
  return {};
}

Result<Downloaded> download_url(const std::string &url, const std::string &checksum, int dir_fd) {
  Downloaded d;
  d.name = url_file_name(url);
  UniqueFd out(::openat(dir_fd, d.name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out)
    return sys_error("saving the download of {}", url);
  Sha256 hash;
  engine::UrlSink sink = [&](std::string_view chunk) -> Status {
    hash.update(chunk);
    return fs::write_all(out.get(), chunk, d.name);
  };
  auto fetched = engine::fetch_url(url, sink);
  if (!fetched)
    return make_error(fetched.error().code, "failed to load cache key: {}", fetched.error().message);
  d.digest = hash.digest();
  if (!checksum.empty() && d.digest != checksum)
    return make_error(Errc::invalid, "digest mismatch for {}: {} (expected: {})", url, d.digest, checksum);
  // The umask had its say at creation.
  if (::fchmod(out.get(), 0600) < 0)
    return sys_error("saving the download of {}", url);
  d.mtime = timefmt::parse_http_date(fetched->last_modified).value_or(0);
  timespec times[2] = {{d.mtime, 0}, {d.mtime, 0}};
  if (::futimens(out.get(), times) < 0)
    return sys_error("saving the download of {}", url);
  return d;
}

} // namespace skiff::build
