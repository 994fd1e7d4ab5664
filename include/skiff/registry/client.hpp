// A client of one registry (the distribution API v2): finds out how it
// wants to be spoken to (https, or http when insecure; anonymous, Basic or
// Bearer tokens from the WWW-Authenticate challenge), fetches manifests,
// tag lists and blobs, and uploads them. Safe to use from several threads
// at once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "skiff/registry/auth_file.hpp"
#include "skiff/registry/challenge.hpp"
#include "skiff/registry/http.hpp"
#include "skiff/util/result.hpp"

namespace skiff::registry {

using TransportFactory = std::function<Result<std::unique_ptr<Transport>>()>;

// Where the API of a reference's domain is served: "docker.io" images live
// at registry-1.docker.io.
std::string api_host(std::string_view domain);

struct ClientOptions {
  TlsOptions tls;
  // false (--tls-verify=false): certificates are not checked and a
  // registry that does not speak TLS is reached over plain HTTP.
  bool tls_verify = true;
  std::optional<Credentials> credentials;
};

struct FetchedManifest {
  std::string body;
  std::string content_type;
  std::string digest;  // sha256 of the body, as received
};

class Client {
public:
  Client(std::string domain, ClientOptions opts, TransportFactory transports);
  const std::string &domain() const { return domain_; }

  // Pings /v2/ and, with credentials, proves them (a token for Bearer
  // registries): what login checks before storing anything.
  Status check_credentials();
  // GET a manifest by tag or digest; a digest is verified against the body.
  Result<FetchedManifest> manifest(const std::string &path, const std::string &ref);
  // Every tag of a repository (following the API's pagination).
  Result<std::vector<std::string>> tags(const std::string &path);
  // GET /v1/search?q=TERM&n=LIMIT, anonymously (Docker Hub's search, also
  // served by some other registries): the body, or nullopt where it is not
  // served.
  Result<std::optional<std::string>> search_v1(const std::string &term, int limit);
  // The repositories of /v2/_catalog, a page at a time until `page`
  // returns false or none is left; not_found where there is no catalog.
  Status catalog(const std::function<bool(const std::string &body)> &page);
  // Streams a blob into `sink` (redirects to blob storage followed). The
  // caller verifies the content.
  Status blob(const std::string &path, const std::string &digest, const BodySink &sink);
  // A small blob (an image config) in memory, verified against its digest.
  Result<std::string> small_blob(const std::string &path, const std::string &digest,
                                 size_t max_size);

  // Push. Every call asks for pull and push access to `path`.
  // The size of a blob the repository has (HEAD), nullopt when it has not.
  Result<std::optional<int64_t>> blob_size(const std::string &path, const std::string &digest);
  struct UploadStart {
    bool mounted = false;  // the blob is in the repository: nothing to upload
    std::string location;  // else: the upload session's URL
  };
  // Opens an upload session (POST). With `mount_from` (another repository
  // of this registry), asks the registry to mount blob `digest` from there
  // instead; one that cannot opens a session all the same.
  Result<UploadStart> start_upload(const std::string &path, const std::string &digest = "",
                                   const std::string &mount_from = "");
  // Streams content into the session (PATCH); returns its next location.
  Result<std::string> upload_chunk(const std::string &path, const std::string &location,
                                   const BodySource &source);
  // Closes the session as blob `digest` (PUT), `body` being its last part.
  Status finish_upload(const std::string &path, const std::string &location,
                       const std::string &digest, std::string body = "");
  // Stores a manifest under `ref` (a tag); returns its digest, checked
  // against the one the registry reports.
  Result<std::string> put_manifest(const std::string &path, const std::string &ref,
                                   std::string_view media_type, const std::string &body);

private:
  Status ping();
  Result<std::string> authorization(const std::string &scope, bool refresh);
  // GET the token realm for `scope` (none: only the credentials).
  Result<HttpResponse> request_token(const std::string &scope);
  Result<std::string> token_from(const HttpResponse &resp) const;
  Result<std::string> fetch_token(const std::string &scope);
  // Sends with authorization for `scope`; once more with a fresh token
  // when a cached one is refused.
  Result<HttpResponse> call(HttpRequest req, const std::string &scope, const BodySink *sink);
  Result<HttpResponse> send(const HttpRequest &req, const BodySink *sink);
  Error response_error(const HttpResponse &resp, const std::string &what) const;
  // The Location of an upload response, absolute.
  Result<std::string> location_of(const HttpResponse &resp, const std::string &request_url,
                                  const std::string &what) const;

  std::string domain_, host_;
  ClientOptions opts_;
  TransportFactory factory_;

  std::mutex mu_;
  std::vector<std::unique_ptr<Transport>> idle_;  // connections kept for reuse
  bool pinged_ = false;
  std::string base_;                      // "https://host:port"
  std::optional<Challenge> challenge_;    // none: the registry is open
  std::map<std::string, std::string> tokens_;  // by scope, for this command's life
};

} // namespace skiff::registry
