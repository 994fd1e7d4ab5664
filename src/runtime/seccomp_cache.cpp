#include "skiff/runtime/seccomp_cache.hpp"

#include <seccomp.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "skiff/runtime/seccomp.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::runtime {

static std::string cache_key(std::string_view profile, std::vector<std::string> caps) {
  std::sort(caps.begin(), caps.end());
  utsname u{};
  ::uname(&u);
  const scmp_version *v = seccomp_version();
  Sha256 h;
  h.update(profile);
  h.update(fmt::format("\ncaps={}\nkernel={}\nmachine={}\nlibseccomp={}.{}.{}\n",
                       fmt::join(caps, ","), u.release, u.machine, v->major, v->minor, v->micro));
  return h.hex();
}

Result<std::vector<sock_filter>> seccomp_program(const std::string &cache_dir,
                                                 std::string_view profile_json,
                                                 const std::vector<std::string> &caps) {
  std::string_view text = profile_json.empty() ? default_seccomp_profile_json() : profile_json;
  std::string path = fmt::format("{}/{}.bpf", cache_dir, cache_key(text, caps));
  if (auto data = fs::read_file(path); data && !data->empty() && data->size() % sizeof(sock_filter) == 0) {
    std::vector<sock_filter> prog(data->size() / sizeof(sock_filter));
    std::memcpy(prog.data(), data->data(), data->size());
    return prog;
  }
  std::vector<sock_filter> prog;
  if (profile_json.empty()) {
    prog = TRY(compile_seccomp(default_seccomp_profile(), caps));
  } else {
    auto profile = TRY(parse_seccomp_profile(profile_json));
    prog = TRY(compile_seccomp(profile, caps));
  }
  // A cache that cannot be written only costs time on the next start.
  if (fs::mkdir_p(cache_dir, 0700))
    (void)fs::write_file_atomic(
        path, std::string_view(reinterpret_cast<const char *>(prog.data()), prog.size() * sizeof(sock_filter)),
        false, 0600);
  return prog;
}

} // namespace skiff::runtime
