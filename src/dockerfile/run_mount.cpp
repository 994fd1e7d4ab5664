// RUN --mount values (run_mount.hpp), as BuildKit's parseMount reads them.
#include "skiff/dockerfile/run_mount.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "ignore_glob.hpp"
#include "skiff/util/csv.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/units.hpp"
#include "text.hpp"

namespace skiff::dockerfile {

namespace {

Error invalid(std::string message) { return make_error(Errc::invalid, "{}", message); }

// BuildKit's suggest.WrapError: " (did you mean X?)" when one is close.
Error suggested(std::string message, std::string_view value, const std::vector<std::string> &options) {
  if (auto match = text::suggest(value, options, true); !match.empty())
    message += " (did you mean " + match + "?)";
  return invalid(std::move(message));
}

const std::vector<std::string> kTypes = {"bind", "cache", "tmpfs", "secret", "ssh"};
const std::vector<std::string> kSharing = {"shared", "private", "locked"};
const std::vector<std::string> kKeys = {"type",  "from", "source", "target", "readonly", "id",
                                        "sharing", "required", "size", "mode", "uid", "gid",
                                        "src", "dst", "destination", "ro", "rw", "readwrite", "env"};

// strconv.ParseBool.
std::optional<bool> go_bool(std::string_view v) {
  for (auto t : {"1", "t", "T", "TRUE", "true", "True"})
    if (v == t)
      return true;
  for (auto f : {"0", "f", "F", "FALSE", "false", "False"})
    if (v == f)
      return false;
  return std::nullopt;
}

// strconv.ParseUint(v, base, 32).
std::optional<uint32_t> go_uint32(std::string_view v, int base) {
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n, base);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size())
    return std::nullopt;
  return n;
}

Result<std::vector<std::string>> mount_fields(std::string_view value) {
  auto f = str::csv_fields(value);
  if (!f)
    return invalid("failed to parse csv mounts: " + f.error().message);
  return f;
}

bool holds_variable(std::string_view v) {
  auto i = v.find('$');
  return i != std::string_view::npos && i != v.size() - 1;
}

} // namespace

std::string_view mount_type_name(MountType t) { return kTypes[static_cast<size_t>(t)]; }
std::string_view mount_sharing_name(MountSharing s) { return kSharing[static_cast<size_t>(s)]; }

Result<RunMount> parse_run_mount(std::string_view value, const MountExpander &expand) {
  RunMount m;
  bool ro_auto = true;
  auto type_name = [&] { return std::string(mount_type_name(m.type)); };
  for (const auto &field : TRY(mount_fields(value))) {
    auto kv = str::cut(field, '=');
    std::string key = str::lower(kv ? kv->first : field);
    if (!kv) {
      if (key == "readonly" || key == "ro") {
        m.readonly = true;
        ro_auto = false;
      } else if (key == "readwrite" || key == "rw") {
        m.readonly = false;
        ro_auto = false;
      } else if (key == "required") {
        if (m.type != MountType::secret && m.type != MountType::ssh)
          return invalid(fmt::format("unexpected key '{}' for mount type '{}'", key, type_name()));
        m.required = true;
      } else {
        return invalid(fmt::format("invalid field '{}' must be a key=value pair", field));
      }
      continue;
    }
    std::string v = TRY(expand(kv->second));
    auto bad_value = [&] { return invalid(fmt::format("invalid value for {}: {}", key, v)); };
    auto bool_value = [&]() -> Result<bool> {
      auto b = go_bool(v);
      if (!b)
        return bad_value();
      return *b;
    };
    auto id_value = [&](const char *what) -> Result<uint32_t> {
      auto n = go_uint32(v, what[0] == 'm' ? 8 : 10);
      if (!n)
        return invalid(fmt::format("invalid value {} for {}", v, what));
      return *n;
    };
    if (key == "type") {
      auto lower = str::lower(v);
      size_t i = 0;
      while (i < kTypes.size() && kTypes[i] != lower)
        i++;
      if (i == kTypes.size())
        return suggested(fmt::format("unsupported mount type \"{}\"", v), v, kTypes);
      m.type = static_cast<MountType>(i);
    } else if (key == "from") {
      m.from = v;
    } else if (key == "source" || key == "src") {
      m.source = v;
    } else if (key == "target" || key == "dst" || key == "destination") {
      m.target = v;
    } else if (key == "readonly" || key == "ro") {
      m.readonly = TRY(bool_value());
      ro_auto = false;
    } else if (key == "readwrite" || key == "rw") {
      m.readonly = !TRY(bool_value());
      ro_auto = false;
    } else if (key == "required") {
      if (m.type != MountType::secret && m.type != MountType::ssh)
        return invalid(fmt::format("unexpected key '{}' for mount type '{}'", key, type_name()));
      m.required = TRY(bool_value());
    } else if (key == "size") {
      if (m.type != MountType::tmpfs)
        return invalid(fmt::format("unexpected key '{}' for mount type '{}'", key, type_name()));
      auto bytes = units::parse_ram(v);
      if (!bytes)
        return bad_value();
      m.size = *bytes;
    } else if (key == "id") {
      m.id = v;
    } else if (key == "sharing") {
      auto lower = str::lower(v);
      size_t i = 0;
      while (i < kSharing.size() && kSharing[i] != lower)
        i++;
      if (i == kSharing.size())
        return suggested(fmt::format("unsupported sharing value \"{}\"", v), v, kSharing);
      m.sharing = static_cast<MountSharing>(i);
    } else if (key == "mode") {
      m.mode = TRY(id_value("mode"));
    } else if (key == "uid") {
      m.uid = TRY(id_value("uid"));
    } else if (key == "gid") {
      m.gid = TRY(id_value("gid"));
    } else if (key == "env") {
      m.env = v;
    } else {
      return suggested(fmt::format("unexpected key '{}' in '{}'", key, field), key, kKeys);
    }
  }
  bool file_info = m.type == MountType::secret || m.type == MountType::ssh || m.type == MountType::cache;
  if (!file_info) {
    if (m.mode)
      return invalid(fmt::format("mode not allowed for \"{}\" type mounts", type_name()));
    if (m.uid)
      return invalid(fmt::format("uid not allowed for \"{}\" type mounts", type_name()));
    if (m.gid)
      return invalid(fmt::format("gid not allowed for \"{}\" type mounts", type_name()));
  }
  if (ro_auto)
    m.readonly = m.type != MountType::cache && m.type != MountType::tmpfs;
  if (m.type == MountType::secret) {
    if (!m.from.empty())
      return invalid("secret mount should not have a from");
    if (m.sharing)
      return invalid("secret mount should not define sharing");
    if (m.source.empty() && m.target.empty() && m.id.empty())
      return invalid("invalid secret mount. one of source, target required");
    if (!m.source.empty() && !m.id.empty())
      return invalid("both source and id can't be set");
  }
  if (m.sharing && m.type != MountType::cache)
    return invalid(fmt::format("invalid cache sharing set for {} mount", type_name()));
  return m;
}

Status check_run_mount(std::string_view value) {
  if (value.find('$') == std::string_view::npos) {
    TRY(parse_run_mount(value, [](const std::string &w) -> Result<std::string> { return w; }));
    return {};
  }
  for (const auto &field : TRY(mount_fields(value))) {
    auto kv = str::cut(field, '=');
    if (!kv)
      continue;  // a bare flag's meaning depends on the type, maybe a variable
    std::string key = str::lower(kv->first);
    if (key == "from" && holds_variable(kv->second))
      return invalid(fmt::format("'{}' doesn't support variable expansion, define alias stage instead", key));
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      return suggested(fmt::format("unexpected key '{}' in '{}'", key, field), key, kKeys);
  }
  return {};
}

Result<SecretPlace> secret_place(const RunMount &m) {
  SecretPlace p;
  p.id = !m.source.empty() ? m.source : m.id;
  if (p.id.empty()) {
    if (m.target.empty())
      return invalid("one of source, target required");
    p.id = fs::basename(m.target);
  }
  if (!m.target.empty())
    p.target = m.target;
  if (!m.env)
    p.target = m.target.empty() ? "/run/secrets/" + fs::basename(p.id) : m.target;
  return p;
}

std::string cache_id(const RunMount &m) { return m.id.empty() ? detail::go_clean(m.target) : m.id; }

Result<std::string> mount_target(const std::string &target, const std::string &workdir) {
  std::string t = fs::clean_path(target.starts_with("/") ? target : (workdir.empty() ? "/" : workdir) + "/" + target);
  if (t == "/")
    return invalid(fmt::format("invalid mount target \"{}\"", t));
  return t;
}

} // namespace skiff::dockerfile
