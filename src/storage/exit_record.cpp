#include "skiff/storage/exit_record.hpp"

#include <unistd.h>

#include <charconv>
#include <random>

#include <fmt/format.h>

#include "skiff/storage/store.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::storage {

static constexpr const char *kExitRecord = "/exited";

std::string format_exit_record(const ExitRecord &r) {
  return fmt::format("{} {} {}", r.exit_code, r.finished_at, r.started_at);
}

template <typename T> static bool parse_number(std::string_view s, T &out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::optional<ExitRecord> parse_exit_record(std::string_view text) {
  auto fields = str::split(text, ' ');
  ExitRecord r;
  if (fields.size() != 3 || !parse_number(fields[0], r.exit_code) ||
      !parse_number(fields[1], r.finished_at) || !parse_number(fields[2], r.started_at) ||
      r.exit_code < 0 || r.exit_code > 255)
    return std::nullopt;
  return r;
}

bool apply_exit_record(ContainerState &s, const ExitRecord &r) {
  if ((s.status != RunStatus::running && s.status != RunStatus::restarting) ||
      s.started_at != r.started_at)
    return false;
  s.status = RunStatus::exited;
  s.exit_code = r.exit_code;
  s.finished_at = r.finished_at;
  s.pid = 0;
  s.error.clear();
  return true;
}

Status Store::write_exit_record(const std::string &id, const ExitRecord &r) const {
  // A symlink under a temporary name renamed over the last one: neither
  // needs a data block, and a reader never sees half a record.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string path = container_dir(id) + kExitRecord;
  std::string tmp = fmt::format("{}.tmp-{:x}", path, rng());
  if (::symlink(format_exit_record(r).c_str(), tmp.c_str()) < 0)
    return sys_error("recording the exit of container {}", id);
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    auto e = sys_error("recording the exit of container {}", id);
    ::unlink(tmp.c_str());
    return e;
  }
  return {};
}

void apply_recorded_exit(const std::string &dir, ContainerState &s) {
  if (s.status != RunStatus::running && s.status != RunStatus::restarting)
    return;
  char buf[64];
  ssize_t n = ::readlink((dir + kExitRecord).c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf)
    return;
  if (auto r = parse_exit_record(std::string_view(buf, static_cast<size_t>(n))))
    apply_exit_record(s, *r);
}

} // namespace skiff::storage
