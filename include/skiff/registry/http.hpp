// The HTTP the registry client needs, behind a small interface: libcurl in
// skiff, anything else in tests.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::registry {

struct TlsOptions {
  bool verify = true;          // false only for --tls-verify=false
  std::string extra_ca_pem;    // CAs of a certs.d directory, trusted beside the system's
  std::string client_cert;     // path of a PEM client certificate, with its key
  std::string client_key;
};

// Fills `buf` with up to `cap` bytes of a request body as it is sent;
// 0 is the end, an error aborts the transfer and becomes the result of send().
using BodySource = std::function<Result<size_t>(char *buf, size_t cap)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // The body of a PUT, POST or PATCH: in memory, or from `source` when
  // set (streamed, its length unknown in advance: sent chunked).
  std::string body;
  const BodySource *source = nullptr;
  // Redirects are followed (blob storage), never from https to http.
  bool follow_redirects = true;
  // Bodies kept in memory (not streamed) larger than this are an error.
  size_t max_body = 8 << 20;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // of the last response; names lowercase
  std::string body;  // empty when a sink took it

  std::string header(std::string_view name) const;
  std::vector<std::string> header_values(std::string_view name) const;
};

// Takes a successful response's body as it arrives; an error aborts the
// transfer and becomes the result of send().
using BodySink = std::function<Status(std::string_view chunk)>;

class Transport {
public:
  virtual ~Transport() = default;
  // One request: failing to connect, TLS failures and aborted transfers
  // are errors; any HTTP status is a response. With `sink`, a 2xx body
  // goes there; other bodies are kept for error messages.
  virtual Result<HttpResponse> send(const HttpRequest &req, const TlsOptions &tls,
                                    const BodySink *sink) = 0;
};

// libcurl, loaded on first use (see src/registry/curl_transport.cpp).
Result<std::unique_ptr<Transport>> curl_transport();

} // namespace skiff::registry
