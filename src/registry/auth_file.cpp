#include "skiff/registry/auth_file.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "skiff/util/base64.hpp"
#include "skiff/util/json_read.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::registry {

using nlohmann::json;

static std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

AuthEnv AuthEnv::from_environment(std::string authfile_flag) {
  return {env("HOME"), env("XDG_RUNTIME_DIR"), env("REGISTRY_AUTH_FILE"), env("DOCKER_CONFIG"),
          std::move(authfile_flag)};
}

static std::string podman_home_file(const AuthEnv &e) {
  return e.home + "/.config/containers/auth.json";
}

std::string own_auth_file(const AuthEnv &e) {
  if (!e.authfile.empty())
    return e.authfile;
  if (!e.registry_auth_file.empty())
    return e.registry_auth_file;
  if (!e.xdg_runtime_dir.empty())
    return e.xdg_runtime_dir + "/containers/auth.json";
  return podman_home_file(e);
}

std::vector<std::string> auth_files_to_read(const AuthEnv &e) {
  std::vector<std::string> out{own_auth_file(e)};
  if (e.authfile.empty() && e.registry_auth_file.empty() && out[0] != podman_home_file(e))
    out.push_back(podman_home_file(e));
  out.push_back((e.docker_config.empty() ? e.home + "/.docker" : e.docker_config) +
                "/config.json");
  return out;
}

std::string normalize_auth_key(std::string_view key) {
  std::string k(str::trim(key));
  for (std::string_view scheme : {"https://", "http://"})
    if (k.rfind(scheme, 0) == 0) {
      // URL keys (Docker's "https://index.docker.io/v1/") name a registry;
      // their path is an API version, not a namespace.
      k = k.substr(scheme.size());
      k = k.substr(0, k.find('/'));
    }
  while (!k.empty() && k.back() == '/')
    k.pop_back();
  std::string host = k.substr(0, k.find('/'));
  std::string rest = k.size() > host.size() ? k.substr(host.size()) : std::string();
  if (host == "index.docker.io" || host == "registry-1.docker.io")
    host = "docker.io";
  return host + rest;
}

namespace {

// Blank is an empty file; otherwise an object whose "auths" (if any) is an object.
Result<JsonDoc> auth_doc(std::string_view text, std::string_view file) {
  auto doc = TRY(JsonDoc::parse(str::trim(text).empty() ? "{}" : text, std::string(file)));
  doc.root()["auths"].members();
  TRY_STATUS(doc.status());
  return doc;
}

Result<json> parse_file(std::string_view text, std::string_view file) {
  return TRY(auth_doc(text, file)).root().raw();
}

} // namespace

Result<std::optional<Credentials>> lookup_credentials(std::string_view json_text,
                                                      std::string_view repository,
                                                      std::string_view file) {
  auto doc = TRY(auth_doc(json_text, file));
  std::string repo = normalize_auth_key(repository);
  std::optional<JsonField> best;
  std::string best_key;
  for (const auto &[key, entry] : doc.root()["auths"].members()) {
    std::string k = normalize_auth_key(key);
    bool covers = repo == k || (repo.size() > k.size() && repo.compare(0, k.size(), k) == 0 &&
                                repo[k.size()] == '/');
    if (covers && (!best || k.size() > best_key.size())) {
      best = entry;
      best_key = k;
    }
  }
  if (!best)
    return std::optional<Credentials>();
  std::string auth = (*best)["auth"].as_string();
  Credentials c{(*best)["username"].as_string(), (*best)["password"].as_string()};
  TRY_STATUS(doc.status());
  if (!auth.empty()) {
    auto decoded = base64_decode(auth);
    auto pair = decoded ? str::cut(*decoded, ':') : std::nullopt;
    if (!pair)
      return make_error(Errc::invalid, "{}: the \"auth\" of {} is not base64 of user:password",
                        file, best_key);
    c = {pair->first, pair->second};
  }
  if (c.username.empty() && c.password.empty())
    return std::optional<Credentials>();
  return std::optional<Credentials>(std::move(c));
}

Result<std::optional<CredentialHelper>> credential_helper(std::string_view json_text,
                                                          std::string_view repository,
                                                          std::string_view file) {
  auto doc = TRY(auth_doc(json_text, file));
  std::string repo = normalize_auth_key(repository);
  std::string registry = repo.substr(0, repo.find('/'));
  std::string name;
  for (const auto &[key, value] : doc.root()["credHelpers"].members())
    if (normalize_auth_key(key) == registry)
      name = value.as_string();
  std::string store = doc.root()["credsStore"].as_string();
  TRY_STATUS(doc.status());
  if (name.empty())
    name = store;
  if (name.empty())
    return std::optional<CredentialHelper>();
  if (name.find('/') != std::string::npos)
    return make_error(Errc::invalid, "{}: credential helper \"{}\" is not a program name", file, name);
  // Docker logs in to Docker Hub under its v1 URL, so helpers hold it there.
  std::string server = registry == "docker.io" ? "https://index.docker.io/v1/" : registry;
  return std::optional<CredentialHelper>(CredentialHelper{"docker-credential-" + name, server});
}

Result<std::optional<Credentials>> helper_credentials(const CredentialHelper &h, int status,
                                                      std::string_view output) {
  auto text = str::trim(output);
  if (status != 0) {
    // The helpers' own words for "nothing stored for that server".
    if (text.find("credentials not found") != std::string_view::npos)
      return std::optional<Credentials>();
    return make_error(Errc::failed, "{} get for {}: {}", h.program, h.server,
                      text.empty() ? fmt::format("exit status {}", status) : std::string(text));
  }
  auto doc = TRY(JsonDoc::parse(text, fmt::format("{} get for {}", h.program, h.server)));
  Credentials c{doc.root()["Username"].as_string(), doc.root()["Secret"].required().as_string()};
  TRY_STATUS(doc.status());
  if (c.username == "<token>")
    return make_error(Errc::failed,
                      "{} holds an identity token for {}, which skiff cannot use: log in with a "
                      "password (skiff login {})",
                      h.program, h.server, h.server);
  return std::optional<Credentials>(std::move(c));
}

std::vector<std::string> credential_keys(std::string_view json_text) {
  std::vector<std::string> out;
  if (auto doc = auth_doc(json_text, ""))
    for (const auto &[key, entry] : doc->root()["auths"].members())
      out.push_back(normalize_auth_key(key));
  return out;
}

Result<std::string> store_credentials(std::string_view json_text, std::string_view registry,
                                      const Credentials &c, std::string_view file) {
  json j = TRY(parse_file(json_text, file));
  std::string reg = normalize_auth_key(registry);
  json &auths = j["auths"];
  if (!auths.is_object())
    auths = json::object();
  // Docker-style spellings of the same registry would shadow the new entry.
  for (auto it = auths.begin(); it != auths.end();)
    it = normalize_auth_key(it.key()) == reg && it.key() != reg ? auths.erase(it) : std::next(it);
  auths[reg] = {{"auth", base64_encode(c.username + ":" + c.password)}};
  return j.dump(1, '\t') + "\n";
}

Result<std::optional<std::string>> erase_credentials(std::string_view json_text,
                                                     std::string_view registry,
                                                     std::string_view file) {
  json j = TRY(parse_file(json_text, file));
  auto auths = j.find("auths");
  if (auths == j.end())
    return std::optional<std::string>();
  std::string reg = normalize_auth_key(registry);
  bool removed = false;
  for (auto it = auths->begin(); it != auths->end();) {
    if (normalize_auth_key(it.key()) == reg) {
      it = auths->erase(it);
      removed = true;
    } else {
      ++it;
    }
  }
  if (!removed)
    return std::optional<std::string>();
  return std::optional<std::string>(j.dump(1, '\t') + "\n");
}

} // namespace skiff::registry
