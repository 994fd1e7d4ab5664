#include "registry_access.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "skiff/registry/auth_file.hpp"
#include "skiff/registry/certs.hpp"
#include "skiff/registry/local.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::engine {

static std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// The addresses a registry's host resolves to, as Docker looks them up to
// tell a local registry; none when it does not resolve (the connection
// will say why).
static std::vector<std::string> host_addresses(std::string_view domain) {
  std::string host = registry::domain_host(domain);
  if (domain == "docker.io" || registry::is_loopback_address(host))
    return {};
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *res = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0)
    return {};
  std::vector<std::string> out;
  for (auto *ai = res; ai; ai = ai->ai_next) {
    char buf[NI_MAXHOST];
    if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) == 0)
      out.emplace_back(buf);
  }
  ::freeaddrinfo(res);
  return out;
}

// The registries.conf entry for a repository, refusing what it forbids
// and what skiff does not do.
static Result<const registry::RegistryEntry *> conf_entry(const registry::RegistriesConf &conf,
                                                          std::string_view repository) {
  const auto *e = conf.find(repository);
  if (!e)
    return e;
  if (e->blocked)
    return make_error(Errc::invalid, "registry {} is blocked in registries.conf", e->prefix);
  if (!e->location.empty() && e->location != e->prefix)
    return make_error(Errc::invalid,
                      "registries.conf pulls {} from {}: skiff does not remap registries (set "
                      "location to the prefix, or drop prefix)",
                      e->prefix, e->location);
  return e;
}

Result<registry::ClientOptions> client_options(std::string_view repository, const RegistryAccess &a,
                                               std::optional<registry::Credentials> creds,
                                               bool root) {
  std::string domain(repository.substr(0, repository.find('/')));
  auto conf = TRY(registries_conf());
  const auto *entry = TRY(conf_entry(conf, repository));
  registry::ClientOptions o;
  // Unless --tls-verify says otherwise: insecure as registries.conf says,
  // or else, as in Docker, when the registry is on this machine.
  bool insecure = entry && entry->insecure_set
                      ? entry->insecure
                      : registry::insecure_by_default(domain, host_addresses(domain));
  o.tls_verify = a.tls_verify.value_or(!insecure);
  o.credentials = std::move(creds);
  auto roots = registry::cert_roots(env("HOME"), env("XDG_CONFIG_HOME"), root);
  o.tls = TRY(registry::load_tls_options(registry::api_host(domain), a.cert_dir, roots, o.tls_verify));
  return o;
}

Result<std::unique_ptr<registry::Client>> open_client(const image::Reference &ref,
                                                      const RegistryAccess &a, bool root) {
  auto creds = TRY(registry::find_credentials(registry::AuthEnv::from_environment(a.authfile),
                                              ref.repository()));
  auto opts = TRY(client_options(ref.repository(), a, std::move(creds), root));
  return std::make_unique<registry::Client>(ref.domain, std::move(opts), registry::curl_transport);
}

std::string registry_of(std::string_view text) {
  std::string key = registry::normalize_auth_key(text);
  key = key.substr(0, key.find('/'));
  return key.empty() ? std::string("docker.io") : key;
}

std::vector<std::string> known_registries() {
  std::vector<std::string> out;
  auto add = [&](std::string k) {
    if (!k.empty() && std::find(out.begin(), out.end(), k) == out.end())
      out.push_back(std::move(k));
  };
  for (const auto &path : registry::auth_files_to_read(registry::AuthEnv::from_environment("")))
    for (auto &k : registry::credential_keys(fs::read_file(path).value_or("")))
      add(std::move(k));
  if (auto conf = registries_conf()) {
    for (const auto &r : conf->search)
      add(r);
    for (const auto &e : conf->registries)
      add(e.location.substr(0, e.location.find('/')));
  }
  return out;
}

Status login(const LoginRequest &r) {
  std::string reg = registry_of(r.registry);
  if (r.username.empty() || r.password.empty())
    return make_error(Errc::invalid, "logging in to {}: a username and a password are needed", reg);
  registry::Credentials creds{r.username, r.password};
  auto opts = TRY(client_options(reg, r.access, creds, ::geteuid() == 0));
  registry::Client client(reg, std::move(opts), registry::curl_transport);
  if (auto s = client.check_credentials(); !s)
    return std::move(s).error().wrap(fmt::format("logging in to {}", reg));
  return registry::save_credentials(registry::AuthEnv::from_environment(r.access.authfile), reg, creds);
}

Result<std::string> logout(const std::string &text, const RegistryAccess &access) {
  std::string reg = registry_of(text);
  bool removed = TRY(registry::remove_credentials(registry::AuthEnv::from_environment(access.authfile), reg));
  return removed ? "Removed login credentials for " + reg : "Not logged in to " + reg;
}

} // namespace skiff::engine
