#include "skiff/registry/certs.hpp"

#include <algorithm>

#include "skiff/util/fs.hpp"

namespace skiff::registry {

std::vector<std::string> cert_roots(const std::string &home, const std::string &xdg_config_home,
                                    bool root) {
  std::string config = xdg_config_home.empty() ? home + "/.config" : xdg_config_home;
  std::vector<std::string> out;
  out.push_back(root && xdg_config_home.empty() ? "/etc/skiff/certs.d" : config + "/skiff/certs.d");
  out.push_back(home + "/.config/containers/certs.d");
  out.push_back("/etc/containers/certs.d");
  out.push_back("/etc/docker/certs.d");
  return out;
}

static bool ends_with(const std::string &s, std::string_view suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<TlsOptions> load_tls_options(const std::string &host, const std::string &cert_dir,
                                    const std::vector<std::string> &roots, bool verify) {
  TlsOptions tls;
  tls.verify = verify;
  std::string dir = cert_dir;
  if (dir.empty())
    for (const auto &r : roots)
      if (fs::is_dir(r + "/" + host)) {
        dir = r + "/" + host;
        break;
      }
  if (dir.empty())
    return tls;
  if (!fs::is_dir(dir))
    return make_error(Errc::invalid, "certificate directory {} does not exist", dir);
  auto names = TRY(fs::list_dir(dir));
  std::sort(names.begin(), names.end());
  for (const auto &n : names) {
    std::string path = dir + "/" + n;
    if (ends_with(n, ".crt")) {
      auto pem = fs::read_file(path);
      if (!pem)
        return std::move(pem).error().wrap("reading CA certificate");
      tls.extra_ca_pem += *pem + "\n";
    } else if (ends_with(n, ".cert")) {
      std::string key = n.substr(0, n.size() - 5) + ".key";
      if (!fs::exists(dir + "/" + key))
        return make_error(Errc::invalid, "client certificate {} has no key {} beside it", path, key);
      if (tls.client_cert.empty()) {
        tls.client_cert = path;
        tls.client_key = dir + "/" + key;
      }
    } else if (ends_with(n, ".key")) {
      std::string cert = n.substr(0, n.size() - 4) + ".cert";
      if (!fs::exists(dir + "/" + cert))
        return make_error(Errc::invalid, "client key {} has no certificate {} beside it", path, cert);
    }
  }
  return tls;
}

} // namespace skiff::registry
