// libnftables is loaded with dlopen when a network is set up: linked, it
// would bring libnftnl, libjansson, libgmp and libxtables into every start.
#include <dlfcn.h>

#include <mutex>

#include <nftables/libnftables.h>

#include "skiff/network/bridge.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::network {

namespace {

struct NftApi {
  nft_ctx *(*ctx_new)(uint32_t);
  void (*ctx_free)(nft_ctx *);
  int (*buffer_output)(nft_ctx *);
  int (*buffer_error)(nft_ctx *);
  const char *(*error_buffer)(nft_ctx *);
  int (*run)(nft_ctx *, const char *);
};

Result<const NftApi *> load_nft() {
  static std::once_flag once;
  static NftApi api;
  static std::string error;
  std::call_once(once, [] {
    void *h = ::dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      error = fmt::format("bridge networks need libnftables (Debian package libnftables1): {}", ::dlerror());
      return;
    }
    auto sym = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
      if (!fn && error.empty())
        error = fmt::format("libnftables lacks {}", name);
    };
    sym(api.ctx_new, "nft_ctx_new");
    sym(api.ctx_free, "nft_ctx_free");
    sym(api.buffer_output, "nft_ctx_buffer_output");
    sym(api.buffer_error, "nft_ctx_buffer_error");
    sym(api.error_buffer, "nft_ctx_get_error_buffer");
    sym(api.run, "nft_run_cmd_from_buffer");
  });
  if (!error.empty())
    return make_error(Errc::failed, "{}", error);
  return &api;
}

} // namespace

Status run_nft(const std::string &commands) {
  const NftApi *api = TRY(load_nft());
  nft_ctx *ctx = api->ctx_new(NFT_CTX_DEFAULT);
  if (!ctx)
    return make_error(Errc::failed, "libnftables failed to initialise");
  api->buffer_output(ctx);
  api->buffer_error(ctx);
  int rc = api->run(ctx, commands.c_str());
  std::string err = rc == 0 ? "" : std::string(str::trim(api->error_buffer(ctx)));
  api->ctx_free(ctx);
  if (rc != 0) {
    auto nl = err.find('\n');
    return make_error(Errc::failed, "setting up nftables rules: {}",
                      nl == std::string::npos ? err : err.substr(0, nl));
  }
  return {};
}

} // namespace skiff::network
