// libcurl is loaded with dlopen when a command first talks to a registry:
// linked normally it drags in some 30 shared libraries (GSSAPI, LDAP,
// SSH, ...) whose loading costs every skiff invocation over 10 ms, the
// supervisor included. Only the few entry points used here are resolved.
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

#include <curl/curl.h>

#include "skiff/registry/http.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::registry {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto &[k, v] : headers)
    if (k == name)
      return v;
  return {};
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto &[k, v] : headers)
    if (k == name)
      out.push_back(v);
  return out;
}

namespace {

struct CurlApi {
  CURLcode (*global_init)(long);
  CURL *(*easy_init)();
  CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
  CURLcode (*easy_perform)(CURL *);
  CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
  void (*easy_reset)(CURL *);
  void (*easy_cleanup)(CURL *);
  const char *(*easy_strerror)(CURLcode);
  curl_slist *(*slist_append)(curl_slist *, const char *);
  void (*slist_free_all)(curl_slist *);
  std::string system_ca_file;
};

Result<const CurlApi *> load_curl() {
  static std::once_flag once;
  static CurlApi api;
  static std::string error;
  std::call_once(once, [] {
    void *h = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      error = fmt::format("talking to registries needs libcurl (Debian package libcurl4): {}",
                          ::dlerror());
      return;
    }
    auto sym = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
      if (!fn && error.empty())
        error = fmt::format("libcurl lacks {}", name);
    };
    sym(api.global_init, "curl_global_init");
    sym(api.easy_init, "curl_easy_init");
    sym(api.easy_setopt, "curl_easy_setopt");
    sym(api.easy_perform, "curl_easy_perform");
    sym(api.easy_getinfo, "curl_easy_getinfo");
    sym(api.easy_reset, "curl_easy_reset");
    sym(api.easy_cleanup, "curl_easy_cleanup");
    sym(api.easy_strerror, "curl_easy_strerror");
    sym(api.slist_append, "curl_slist_append");
    sym(api.slist_free_all, "curl_slist_free_all");
    if (error.empty() && api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      error = "libcurl failed to initialise";
    if (!error.empty())
      return;
    // The bundle libcurl trusts by default: extra CAs are added to it.
    if (CURL *c = api.easy_init()) {
      char *path = nullptr;
      if (api.easy_getinfo(c, CURLINFO_CAINFO, &path) == CURLE_OK && path)
        api.system_ca_file = path;
      api.easy_cleanup(c);
    }
  });
  if (!error.empty())
    return make_error(Errc::failed, "{}", error);
  return &api;
}

class CurlTransport final : public Transport {
public:
  CurlTransport(const CurlApi &api, CURL *h) : api_(api), h_(h) {}
  ~CurlTransport() override { api_.easy_cleanup(h_); }

  Result<HttpResponse> send(const HttpRequest &req, const TlsOptions &tls,
                            const BodySink *sink) override;

private:
  struct Transfer {
    const HttpRequest *req;
    const BodySink *sink;
    HttpResponse resp;
    std::optional<Error> error;  // from the sink or source, or a body over its limit
    size_t sent = 0;             // of req->body
  };
  static size_t on_header(char *data, size_t size, size_t n, void *self);
  static size_t on_body(char *data, size_t size, size_t n, void *self);
  static size_t on_read(char *buf, size_t size, size_t n, void *self);
  Status set_tls(const TlsOptions &tls, std::string &blob_storage);

  const CurlApi &api_;
  CURL *h_;
};

size_t CurlTransport::on_header(char *data, size_t size, size_t n, void *p) {
  auto *t = static_cast<Transfer *>(p);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100 Continue): start over.
    t->resp.headers.clear();
    auto sp = line.find(' ');
    t->resp.status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->resp.headers.emplace_back(str::lower(str::trim(line.substr(0, colon))),
                                 std::string(str::trim(line.substr(colon + 1))));
  }
  return size * n;
}

size_t CurlTransport::on_body(char *data, size_t size, size_t n, void *p) {
  auto *t = static_cast<Transfer *>(p);
  std::string_view chunk(data, size * n);
  bool redirect = t->resp.status >= 300 && t->resp.status < 400;
  if (t->sink && t->resp.status >= 200 && t->resp.status < 300) {
    if (auto s = (*t->sink)(chunk); !s) {
      t->error = std::move(s).error();
      return 0;  // aborts the transfer
    }
    return chunk.size();
  }
  if (redirect)
    return chunk.size();
  if (t->resp.body.size() + chunk.size() > t->req->max_body) {
    t->error = make_error(Errc::invalid, "the response from {} is larger than {} bytes",
                          t->req->url, t->req->max_body);
    return 0;
  }
  t->resp.body.append(chunk);
  return chunk.size();
}

size_t CurlTransport::on_read(char *buf, size_t size, size_t n, void *p) {
  auto *t = static_cast<Transfer *>(p);
  size_t cap = size * n;
  if (t->req->source) {
    auto got = (*t->req->source)(buf, cap);
    if (!got) {
      t->error = std::move(got).error();
      return CURL_READFUNC_ABORT;
    }
    return *got;
  }
  size_t k = std::min(cap, t->req->body.size() - t->sent);
  std::memcpy(buf, t->req->body.data() + t->sent, k);
  t->sent += k;
  return k;
}

Status CurlTransport::set_tls(const TlsOptions &tls, std::string &blob_storage) {
  long verify = tls.verify ? 1L : 0L;
  api_.easy_setopt(h_, CURLOPT_SSL_VERIFYPEER, verify);
  api_.easy_setopt(h_, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.extra_ca_pem.empty()) {
    // CAINFO_BLOB replaces the default bundle, so it carries both.
    blob_storage = api_.system_ca_file.empty()
                       ? std::string()
                       : fs::read_file(api_.system_ca_file).value_or(std::string());
    blob_storage += "\n" + tls.extra_ca_pem;
    curl_blob blob{blob_storage.data(), blob_storage.size(), CURL_BLOB_COPY};
    if (api_.easy_setopt(h_, CURLOPT_CAINFO_BLOB, &blob) != CURLE_OK)
      return make_error(Errc::failed, "libcurl cannot take extra CA certificates");
  }
  if (!tls.client_cert.empty()) {
    api_.easy_setopt(h_, CURLOPT_SSLCERT, tls.client_cert.c_str());
    api_.easy_setopt(h_, CURLOPT_SSLKEY, tls.client_key.c_str());
  }
  return {};
}

Result<HttpResponse> CurlTransport::send(const HttpRequest &req, const TlsOptions &tls,
                                         const BodySink *sink) {
  // Reset keeps the connection cache: later requests reuse connections.
  api_.easy_reset(h_);
  Transfer t{&req, sink, {}, std::nullopt};
  bool https = req.url.rfind("https://", 0) == 0;
  api_.easy_setopt(h_, CURLOPT_URL, req.url.c_str());
  api_.easy_setopt(h_, CURLOPT_PROTOCOLS_STR, "http,https");
  api_.easy_setopt(h_, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
  api_.easy_setopt(h_, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
  api_.easy_setopt(h_, CURLOPT_MAXREDIRS, 10L);
  api_.easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
  api_.easy_setopt(h_, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) is given up.
  api_.easy_setopt(h_, CURLOPT_LOW_SPEED_LIMIT, 1L);
  api_.easy_setopt(h_, CURLOPT_LOW_SPEED_TIME, 60L);
  api_.easy_setopt(h_, CURLOPT_USERAGENT, "skiff");
  api_.easy_setopt(h_, CURLOPT_HEADERFUNCTION, &CurlTransport::on_header);
  api_.easy_setopt(h_, CURLOPT_HEADERDATA, &t);
  api_.easy_setopt(h_, CURLOPT_WRITEFUNCTION, &CurlTransport::on_body);
  api_.easy_setopt(h_, CURLOPT_WRITEDATA, &t);
  bool upload = req.method == "PUT" || req.method == "POST" || req.method == "PATCH";
  if (req.method == "HEAD") {
    api_.easy_setopt(h_, CURLOPT_NOBODY, 1L);
  } else if (upload) {
    // An upload is a PUT to libcurl; the method name is then replaced.
    api_.easy_setopt(h_, CURLOPT_UPLOAD, 1L);
    api_.easy_setopt(h_, CURLOPT_READFUNCTION, &CurlTransport::on_read);
    api_.easy_setopt(h_, CURLOPT_READDATA, &t);
    api_.easy_setopt(h_, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(req.source ? -1 : static_cast<curl_off_t>(req.body.size())));
    if (req.method != "PUT")
      api_.easy_setopt(h_, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (req.method != "GET") {
    api_.easy_setopt(h_, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  std::string ca_blob;
  TRY_STATUS(set_tls(tls, ca_blob));
  curl_slist *headers = nullptr;
  for (const auto &hd : req.headers)
    headers = api_.slist_append(headers, hd.c_str());
  // No "Expect: 100-continue" round trip before a body.
  if (upload)
    headers = api_.slist_append(headers, "Expect:");
  api_.easy_setopt(h_, CURLOPT_HTTPHEADER, headers);
  char detail[CURL_ERROR_SIZE] = "";
  api_.easy_setopt(h_, CURLOPT_ERRORBUFFER, detail);
  CURLcode rc = api_.easy_perform(h_);
  api_.easy_setopt(h_, CURLOPT_HTTPHEADER, static_cast<curl_slist *>(nullptr));
  api_.slist_free_all(headers);
  if (t.error)
    return std::move(*t.error);
  if (rc != CURLE_OK)
    return make_error(Errc::failed, "{} {}: {}", req.method, req.url,
                      *detail ? detail : api_.easy_strerror(rc));
  long code = 0;
  api_.easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &code);
  t.resp.status = code;
  return std::move(t.resp);
}

} // namespace

Result<std::unique_ptr<Transport>> curl_transport() {
  const CurlApi *api = TRY(load_curl());
  CURL *h = api->easy_init();
  if (!h)
    return make_error(Errc::failed, "libcurl could not make a handle");
  return std::unique_ptr<Transport>(std::make_unique<CurlTransport>(*api, h));
}

} // namespace skiff::registry
