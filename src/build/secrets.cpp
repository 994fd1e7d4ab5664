// build --secret (secrets.hpp).
#include "skiff/build/secrets.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include <fmt/format.h>

#include "skiff/util/csv.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

namespace {

// BuildKit's MaxSecretSize.
constexpr off_t kMaxSecretSize = 500 * 1024;

} // namespace

Result<SecretSource> parse_secret_flag(std::string_view value) {
  auto fields = str::csv_fields(value);
  if (!fields)
    return make_error(Errc::invalid, "failed to parse csv secret: {}", fields.error().message);
  SecretSource s;
  std::string type;
  for (const auto &field : *fields) {
    auto kv = str::cut(field, '=');
    if (!kv)
      return make_error(Errc::invalid, "invalid field '{}' must be a key=value pair", field);
    std::string key = str::lower(kv->first);
    if (key == "type") {
      if (kv->second != "file" && kv->second != "env")
        return make_error(Errc::invalid, "unsupported secret type \"{}\"", kv->second);
      type = kv->second;
    } else if (key == "id") {
      s.id = kv->second;
    } else if (key == "source" || key == "src") {
      s.file = kv->second;
    } else if (key == "env") {
      s.env = kv->second;
    } else {
      return make_error(Errc::invalid, "unexpected key '{}' in '{}'", key, field);
    }
  }
  if (type == "env" && s.env.empty()) {
    s.env = s.file;
    s.file.clear();
  }
  if (s.id.empty())
    return make_error(Errc::invalid, "secret missing ID");
  return s;
}

Status resolve_secret(SecretSource &s, bool env_has_id) {
  if (s.env.empty() && s.file.empty())
    (env_has_id ? s.env : s.file) = s.id;
  if (s.file.empty())
    return {};
  struct stat st;
  if (::stat(s.file.c_str(), &st) < 0)
    return sys_error("failed to stat {}", s.file);
  if (st.st_size > kMaxSecretSize)
    return make_error(Errc::invalid, "secret {} too big. max size 500KiB", s.id);
  return {};
}

Result<std::string> read_secret(const SecretSource &s) {
  if (!s.env.empty()) {
    const char *v = std::getenv(s.env.c_str());
    return std::string(v ? v : "");
  }
  return fs::read_file(s.file);
}

const SecretSource *find_secret(const std::vector<SecretSource> &secrets, const std::string &id) {
  for (auto it = secrets.rbegin(); it != secrets.rend(); ++it)
    if (it->id == id)
      return &*it;
  return nullptr;
}

} // namespace skiff::build
