// What a build takes in besides its context directory: a scratch
// directory of the store (a context given as an archive, a downloaded
// ADD source) and files fetched over HTTP.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "skiff/engine/engine.hpp"

namespace skiff::engine {

// A directory under the store's scratch space, removed when this goes;
// one a crashed build left is swept by the next command that asks for
// scratch (its name carries the dead process's PID).
class ScratchDir {
public:
  static Result<ScratchDir> make(Engine &eng);
  ScratchDir(ScratchDir &&) noexcept;
  ScratchDir &operator=(ScratchDir &&) = delete;
  ~ScratchDir();
  const std::string &path() const { return path_; }

private:
  ScratchDir() = default;
  std::string path_;
};

struct FetchedUrl {
  std::string last_modified;        // the Last-Modified header, if any
  std::string content_disposition;  // the Content-Disposition header, if any
};

// GETs `url` (http or https; redirects followed, never from https to
// http) with the system's CAs, its body given to `sink`. A status that is
// not 2xx is BuildKit's "invalid response status N".
// An error from `sink` aborts the transfer and is the result.
using UrlSink = std::function<Status(std::string_view chunk)>;
Result<FetchedUrl> fetch_url(const std::string &url, const UrlSink &sink);

} // namespace skiff::engine
