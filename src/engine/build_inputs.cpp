// A build's scratch directories and downloads (build_inputs.hpp).
#include "skiff/engine/build_inputs.hpp"

#include <utility>

#include "skiff/registry/http.hpp"
#include "skiff/util/fs.hpp"
#include "store_access.hpp"

namespace skiff::engine {

Result<ScratchDir> ScratchDir::make(Engine &eng) {
  ScratchDir d;
  d.path_ = TRY(store_of(eng).scratch_dir());
  return d;
}

ScratchDir::ScratchDir(ScratchDir &&o) noexcept : path_(std::exchange(o.path_, {})) {}

ScratchDir::~ScratchDir() {
  if (!path_.empty())
    (void)fs::remove_all(path_);
}

Result<FetchedUrl> fetch_url(const std::string &url, const UrlSink &sink) {
  auto transport = TRY(registry::curl_transport());
  registry::HttpRequest req;
  req.url = url;
  registry::BodySink body = sink;
  auto resp = TRY(transport->send(req, registry::TlsOptions{}, &body));
  if (resp.status < 200 || resp.status >= 300)
    return make_error(Errc::failed, "invalid response status {}", resp.status);
  return FetchedUrl{resp.header("last-modified"), resp.header("content-disposition")};
}

} // namespace skiff::engine
