// The auth files on disk and the credential helpers they name; the
// format is handled in auth_file.cpp.
#include "skiff/registry/auth_file.hpp"
#include "skiff/sys/run_program.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::registry {

static Result<std::string> read_if_exists(const std::string &path) {
  if (!fs::exists(path))
    return std::string();
  return fs::read_file(path);
}

Result<std::optional<Credentials>> find_credentials(const AuthEnv &env, std::string_view repository) {
  for (const auto &path : auth_files_to_read(env)) {
    auto text = TRY(read_if_exists(path));
    if (auto helper = TRY(credential_helper(text, repository, path))) {
      auto reply = sys::run_program({helper->program, "get"}, helper->server);
      if (!reply)
        return make_error(Errc::failed, "the credential helper {} named in {}: {}", helper->program,
                          path, reply.error().message);
      auto found = TRY(helper_credentials(*helper, reply->status, reply->output));
      if (found)
        return found;
      continue;
    }
    auto found = TRY(lookup_credentials(text, repository, path));
    if (found)
      return found;
  }
  return std::optional<Credentials>();
}

Status save_credentials(const AuthEnv &env, std::string_view registry, const Credentials &c) {
  std::string path = own_auth_file(env);
  auto text = TRY(read_if_exists(path));
  auto updated = TRY(store_credentials(text, registry, c, path));
  TRY_STATUS(fs::mkdir_p(fs::dirname(path), 0700));
  return fs::write_file_atomic(path, updated, true, 0600);
}

Result<bool> remove_credentials(const AuthEnv &env, std::string_view registry) {
  std::string path = own_auth_file(env);
  auto text = TRY(read_if_exists(path));
  auto updated = TRY(erase_credentials(text, registry, path));
  if (!updated)
    return false;
  TRY_STATUS(fs::write_file_atomic(path, *updated, true, 0600));
  return true;
}

} // namespace skiff::registry
