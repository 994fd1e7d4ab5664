// Per-registry TLS material in certs.d directories, as Docker and podman
// keep them: <root>/<host:port>/ holds *.crt (CAs trusted beside the
// system's) and <name>.cert with <name>.key (a client certificate).
#pragma once

#include <string>
#include <vector>

#include "skiff/registry/http.hpp"
#include "skiff/util/result.hpp"

namespace skiff::registry {

// The certs.d roots searched, first existing host directory wins: skiff's
// own (${XDG_CONFIG_HOME:-~/.config}/skiff/certs.d, /etc/skiff/certs.d as
// root), then podman's (~/.config/containers/certs.d,
// /etc/containers/certs.d) and Docker's (/etc/docker/certs.d).
std::vector<std::string> cert_roots(const std::string &home, const std::string &xdg_config_home,
                                    bool root);

// TLS options for `host` ("host:port"): from `cert_dir` alone when given
// (podman's --cert-dir: the files sit in it directly), else from the first
// root that has a directory for the host. Unreadable files and a client
// certificate without its key are errors.
Result<TlsOptions> load_tls_options(const std::string &host, const std::string &cert_dir,
                                    const std::vector<std::string> &roots, bool verify);

} // namespace skiff::registry
