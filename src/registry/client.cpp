#include "skiff/registry/client.hpp"

#include "skiff/registry/manifest.hpp"
#include "skiff/registry/url.hpp"
#include "skiff/util/base64.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/json_read.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::registry {

std::string api_host(std::string_view domain) {
  return domain == "docker.io" ? "registry-1.docker.io" : std::string(domain);
}

// The API's pagination: Link: </v2/...?last=x&n=y>; rel="next" (a path on
// the same registry only).
static std::string next_page(const HttpResponse &resp) {
  std::string link = resp.header("link");
  auto open = link.find('<'), close = link.find('>');
  if (link.find("rel=\"next\"") != std::string::npos && open != std::string::npos &&
      close != std::string::npos && close > open && link[open + 1] == '/')
    return link.substr(open + 1, close - open - 1);
  return "";
}

static std::string pull_scope(const std::string &path) { return "repository:" + path + ":pull"; }
static std::string push_scope(const std::string &path) { return "repository:" + path + ":pull,push"; }

Client::Client(std::string domain, ClientOptions opts, TransportFactory transports)
    : domain_(std::move(domain)), host_(api_host(domain_)), opts_(std::move(opts)),
      factory_(std::move(transports)) {}

Result<HttpResponse> Client::send(const HttpRequest &req, const BodySink *sink) {
  std::unique_ptr<Transport> t;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      t = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!t)
    t = TRY(factory_());
  auto resp = t->send(req, opts_.tls, sink);
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(t));
  return resp;
}

Error Client::response_error(const HttpResponse &resp, const std::string &what) const {
  if (resp.status == 401) {
    if (!opts_.credentials)
      return make_error(Errc::invalid, "{}: authentication required: log in first with skiff login {}",
                        what, domain_);
    return make_error(Errc::invalid,
                      "{}: unauthorized: the registry refused the credentials of user \"{}\": "
                      "log in again with skiff login {}",
                      what, opts_.credentials->username, domain_);
  }
  // The API's error body: {"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]},
  // shown as Docker does: "manifest unknown: <message>".
  // An error body of another shape, or none, leaves the status code to say it.
  std::vector<std::string> parts;
  if (auto doc = JsonDoc::parse(resp.body, "the error")) {
    for (const auto &e : doc->root()["errors"].elements()) {
      std::string code = str::lower(e["code"].as_string());
      std::replace(code.begin(), code.end(), '_', ' ');
      std::string msg = e["message"].as_string();
      parts.push_back(code.empty() ? msg : msg.empty() || msg == code ? code : code + ": " + msg);
    }
    if (!doc->status())
      parts.clear();
  }
  Errc errc = resp.status == 404 ? Errc::not_found : Errc::failed;
  if (parts.empty())
    return make_error(errc, "{}: the registry answered HTTP {}", what, resp.status);
  return make_error(errc, "{}: {}", what, str::join(parts, "; "));
}

Status Client::ping() {
  {
    std::lock_guard lock(mu_);
    if (pinged_)
      return {};
  }
  std::vector<std::string> schemes{"https"};
  if (!opts_.tls_verify)
    schemes.push_back("http");
  std::optional<Error> first_error;
  for (const auto &scheme : schemes) {
    HttpRequest req;
    req.url = scheme + "://" + host_ + "/v2/";
    auto resp = send(req, nullptr);
    if (!resp) {
      if (!first_error)
        first_error = std::move(resp).error();
      continue;
    }
    if (resp->status != 200 && resp->status != 401)
      return make_error(Errc::failed,
                        "{} does not serve the registry API v2 (GET {} answered HTTP {})", domain_,
                        req.url, resp->status);
    std::optional<Challenge> chosen;
    if (resp->status == 401) {
      for (const auto &value : resp->header_values("www-authenticate"))
        for (auto &c : parse_challenges(value))
          if (c.scheme == "bearer" || (c.scheme == "basic" && !chosen))
            chosen = std::move(c);
      if (!chosen)
        return make_error(Errc::failed,
                          "{} asks for authentication in a way skiff does not speak (no Basic or "
                          "Bearer challenge)",
                          domain_);
    }
    std::lock_guard lock(mu_);
    pinged_ = true;
    base_ = scheme + "://" + host_;
    challenge_ = std::move(chosen);
    return {};
  }
  Error e = std::move(*first_error);
  e.wrap(fmt::format("cannot reach registry {}", domain_));
  if (opts_.tls_verify)
    e.message += " (for a private CA put it in certs.d or use --cert-dir; for a registry "
                 "without TLS use --tls-verify=false or mark it insecure in registries.conf)";
  return e;
}

Result<HttpResponse> Client::request_token(const std::string &scope) {
  std::string realm = challenge_->param("realm");
  if (realm.rfind("https://", 0) != 0 && realm.rfind("http://", 0) != 0)
    return make_error(Errc::failed, "{} sent a token realm that is not a URL: \"{}\"", domain_, realm);
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  std::vector<std::string> query;
  if (auto service = challenge_->param("service"); !service.empty())
    query.push_back("service=" + url_encode(service));
  // Several scopes (a mount reads another repository) are several parameters.
  for (const auto &one : str::split(scope, ' '))
    if (!one.empty())
      query.push_back("scope=" + url_encode(one));
  if (opts_.credentials)
    query.push_back("account=" + url_encode(opts_.credentials->username));
  HttpRequest req;
  req.url = url + str::join(query, "&");
  req.max_body = 1 << 20;
  if (opts_.credentials)
    req.headers.push_back("Authorization: Basic " +
                          base64_encode(opts_.credentials->username + ":" + opts_.credentials->password));
  return send(req, nullptr);
}

Result<std::string> Client::token_from(const HttpResponse &resp) const {
  std::string realm = challenge_->param("realm");
  if (resp.status != 200)
    return response_error(resp, fmt::format("getting a token from {}", realm));
  auto doc = TRY(JsonDoc::parse(resp.body, fmt::format("the answer of the token service {}", realm)));
  std::string token = doc.root()["token"].as_string();
  if (token.empty())
    token = doc.root()["access_token"].as_string();
  TRY_STATUS(doc.status());
  if (token.empty())
    return make_error(Errc::failed, "the token service {} answered without a token", realm);
  return token;
}

Result<std::string> Client::fetch_token(const std::string &scope) {
  return token_from(TRY(request_token(scope)));
}

Result<std::string> Client::authorization(const std::string &scope, bool refresh) {
  if (!challenge_)
    return std::string();
  if (challenge_->scheme == "basic")
    return opts_.credentials ? "Basic " + base64_encode(opts_.credentials->username + ":" +
                                                        opts_.credentials->password)
                             : std::string();
  {
    std::lock_guard lock(mu_);
    if (auto it = tokens_.find(scope); it != tokens_.end() && !refresh)
      return "Bearer " + it->second;
  }
  std::string token = TRY(fetch_token(scope));
  std::lock_guard lock(mu_);
  tokens_[scope] = token;
  return "Bearer " + token;
}

Result<HttpResponse> Client::call(HttpRequest req, const std::string &scope, const BodySink *sink) {
  TRY_STATUS(ping());
  bool bearer = challenge_ && challenge_->scheme == "bearer";
  for (int attempt = 0;; attempt++) {
    HttpRequest r = req;
    std::string auth = TRY(authorization(scope, attempt > 0));
    // Credentials go to the registry only, not to an upload location elsewhere.
    if (!auth.empty() && url_origin(r.url) == base_)
      r.headers.push_back("Authorization: " + auth);
    auto resp = TRY(send(r, sink));
    // A token that expired within this command's life is fetched anew
    // once; a streamed body cannot be sent twice.
    if (resp.status == 401 && bearer && attempt == 0 && !req.source)
      continue;
    return resp;
  }
}

Status Client::check_credentials() {
  TRY_STATUS(ping());
  if (!challenge_)
    return {};
  if (challenge_->scheme == "bearer") {
    // The token service is what checks the password here.
    auto resp = TRY(request_token(""));
    if (resp.status == 401 && opts_.credentials)
      return make_error(Errc::invalid, "unauthorized: incorrect username or password");
    TRY(token_from(resp));
    return {};
  }
  HttpRequest req;
  req.url = base_ + "/v2/";
  auto resp = TRY(call(req, "", nullptr));
  if (resp.status == 401 && opts_.credentials)
    return make_error(Errc::invalid, "unauthorized: incorrect username or password");
  if (resp.status != 200)
    return response_error(resp, "checking the credentials");
  return {};
}

Result<FetchedManifest> Client::manifest(const std::string &path, const std::string &ref) {
  TRY_STATUS(ping());
  HttpRequest req;
  req.url = fmt::format("{}/v2/{}/manifests/{}", base_, path, ref);
  req.headers.push_back("Accept: " + manifest_accept());
  req.max_body = kMaxManifestSize;
  auto resp = TRY(call(req, pull_scope(path), nullptr));
  std::string name = fmt::format("{}/{}{}{}", domain_, path, ref.rfind("sha256:", 0) == 0 ? "@" : ":", ref);
  if (resp.status == 404)
    return response_error(resp, fmt::format("manifest for {} not found", name));
  if (resp.status != 200) {
    Error e = response_error(resp, fmt::format("fetching the manifest of {}", name));
    // A pull refused for want of access: Docker's words, which scripts
    // grep for (moby distribution/errors.go), then the registry's.
    if ((resp.status == 401 && !opts_.credentials) || resp.status == 403) {
      std::string repo = path;
      if (domain_ == "docker.io" && repo.rfind("library/", 0) == 0)
        repo.erase(0, 8);
      e.message = fmt::format("pull access denied for {}{}, repository does not exist or may require "
                              "'docker login': {}",
                              domain_ == "docker.io" ? "" : domain_ + "/", repo, e.message);
    }
    return e;
  }
  FetchedManifest m{std::move(resp.body), resp.header("content-type"), ""};
  m.digest = sha256_digest(m.body);
  if (ref.rfind("sha256:", 0) == 0 && m.digest != ref)
    return make_error(Errc::failed, "the manifest {} served by {} has digest {}: refusing it", ref,
                      domain_, m.digest);
  return m;
}

Result<std::vector<std::string>> Client::tags(const std::string &path) {
  TRY_STATUS(ping());
  std::vector<std::string> out;
  std::string next = fmt::format("/v2/{}/tags/list", path);
  while (!next.empty()) {
    HttpRequest req;
    req.url = base_ + next;
    auto resp = TRY(call(req, pull_scope(path), nullptr));
    if (resp.status != 200)
      return response_error(resp, fmt::format("listing the tags of {}/{}", domain_, path));
    auto doc = TRY(JsonDoc::parse(resp.body, fmt::format("the tag list of {}/{}", domain_, path)));
    for (const auto &t : doc.root()["tags"].elements())
      out.push_back(t.required().as_string());
    TRY_STATUS(doc.status());
    next = next_page(resp);
  }
  return out;
}

Result<std::optional<std::string>> Client::search_v1(const std::string &term, int limit) {
  TRY_STATUS(ping());
  HttpRequest req;
  req.url = fmt::format("{}/v1/search?q={}&n={}", base_, url_encode(term), limit);
  req.max_body = 4 << 20;
  // Without credentials, as podman asks: Docker Hub's index takes none.
  auto resp = TRY(send(req, nullptr));
  if (resp.status != 200)
    return std::optional<std::string>();
  return std::optional<std::string>(std::move(resp.body));
}

Status Client::catalog(const std::function<bool(const std::string &body)> &page) {
  TRY_STATUS(ping());
  std::string next = "/v2/_catalog";
  while (!next.empty()) {
    HttpRequest req;
    req.url = base_ + next;
    auto resp = TRY(call(req, "registry:catalog:*", nullptr));
    if (resp.status == 404 || resp.status == 405)
      return make_error(Errc::not_found, "{} serves no catalog", domain_);
    if (resp.status != 200)
      return response_error(resp, fmt::format("listing the catalog of {}", domain_));
    if (!page(resp.body))
      return {};
    next = next_page(resp);
  }
  return {};
}

Status Client::blob(const std::string &path, const std::string &digest, const BodySink &sink) {
  TRY_STATUS(ping());
  HttpRequest req;
  req.url = fmt::format("{}/v2/{}/blobs/{}", base_, path, digest);
  auto resp = TRY(call(req, pull_scope(path), &sink));
  if (resp.status < 200 || resp.status >= 300)
    return response_error(resp, fmt::format("fetching blob {}", digest));
  return {};
}

Result<std::string> Client::small_blob(const std::string &path, const std::string &digest,
                                       size_t max_size) {
  std::string data;
  BodySink sink = [&](std::string_view chunk) -> Status {
    if (data.size() + chunk.size() > max_size)
      return make_error(Errc::invalid, "blob {} is larger than {} bytes", digest, max_size);
    data.append(chunk);
    return {};
  };
  TRY_STATUS(blob(path, digest, sink));
  if (sha256_digest(data) != digest)
    return make_error(Errc::failed, "blob {} from {}: digest mismatch: the content has digest {}",
                      digest, domain_, sha256_digest(data));
  return data;
}

Result<std::string> Client::location_of(const HttpResponse &resp, const std::string &request_url,
                                        const std::string &what) const {
  std::string loc = resp.header("location");
  if (loc.empty())
    return make_error(Errc::failed, "{}: the registry answered HTTP {} without a Location", what,
                      resp.status);
  return resolve_location(request_url, loc);
}

Result<std::optional<int64_t>> Client::blob_size(const std::string &path, const std::string &digest) {
  TRY_STATUS(ping());
  HttpRequest req;
  req.method = "HEAD";
  req.url = fmt::format("{}/v2/{}/blobs/{}", base_, path, digest);
  auto resp = TRY(call(req, push_scope(path), nullptr));
  if (resp.status == 404)
    return std::optional<int64_t>();
  if (resp.status != 200)
    return response_error(resp, fmt::format("checking for blob {} in {}/{}", digest, domain_, path));
  auto size = str::to_int(resp.header("content-length"));
  return std::optional<int64_t>(size.value_or(-1));
}

Result<Client::UploadStart> Client::start_upload(const std::string &path, const std::string &digest,
                                                 const std::string &mount_from) {
  TRY_STATUS(ping());
  HttpRequest req;
  req.method = "POST";
  req.url = fmt::format("{}/v2/{}/blobs/uploads/", base_, path);
  req.follow_redirects = false;
  std::string scope = push_scope(path);
  if (!mount_from.empty()) {
    req.url = with_query(with_query(req.url, "mount", digest), "from", mount_from);
    scope += " " + pull_scope(mount_from);
  }
  auto resp = TRY(call(req, scope, nullptr));
  std::string what = fmt::format("starting an upload to {}/{}", domain_, path);
  if (resp.status == 201 && !mount_from.empty())
    return UploadStart{true, ""};
  if (resp.status != 202)
    return response_error(resp, what);
  return UploadStart{false, TRY(location_of(resp, req.url, what))};
}

Result<std::string> Client::upload_chunk(const std::string &path, const std::string &location,
                                         const BodySource &source) {
  HttpRequest req;
  req.method = "PATCH";
  req.url = location;
  req.follow_redirects = false;
  req.headers.push_back("Content-Type: application/octet-stream");
  req.source = &source;
  auto resp = TRY(call(req, push_scope(path), nullptr));
  std::string what = fmt::format("uploading to {}/{}", domain_, path);
  if (resp.status / 100 != 2)
    return response_error(resp, what);
  return location_of(resp, req.url, what);
}

Status Client::finish_upload(const std::string &path, const std::string &location,
                             const std::string &digest, std::string body) {
  HttpRequest req;
  req.method = "PUT";
  req.url = with_query(location, "digest", digest);
  req.follow_redirects = false;
  req.headers.push_back("Content-Type: application/octet-stream");
  req.body = std::move(body);
  auto resp = TRY(call(req, push_scope(path), nullptr));
  std::string what = fmt::format("storing blob {} in {}/{}", digest, domain_, path);
  if (resp.status / 100 != 2)
    return response_error(resp, what);
  if (auto got = resp.header("docker-content-digest"); !got.empty() && got != digest)
    return make_error(Errc::failed, "{}: the registry stored it as {}", what, got);
  return {};
}

Result<std::string> Client::put_manifest(const std::string &path, const std::string &ref,
                                         std::string_view media_type, const std::string &body) {
  TRY_STATUS(ping());
  HttpRequest req;
  req.method = "PUT";
  req.url = fmt::format("{}/v2/{}/manifests/{}", base_, path, ref);
  req.follow_redirects = false;
  req.headers.push_back(fmt::format("Content-Type: {}", media_type));
  req.body = body;
  auto resp = TRY(call(req, push_scope(path), nullptr));
  std::string name = fmt::format("{}/{}:{}", domain_, path, ref);
  if (resp.status / 100 != 2)
    return response_error(resp, fmt::format("storing the manifest of {}", name));
  std::string digest = sha256_digest(body);
  if (auto got = resp.header("docker-content-digest"); !got.empty() && got != digest)
    return make_error(Errc::failed, "the registry stored the manifest of {} as {}, not as {}", name,
                      got, digest);
  return digest;
}

} // namespace skiff::registry
