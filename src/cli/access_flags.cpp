#include "access_flags.hpp"

namespace skiff::cli {

Flag authfile_flag() {
  return {"authfile", 0, FlagKind::value,
          "Path of the authentication file (default: $XDG_RUNTIME_DIR/containers/auth.json)", "files",
          "string"};
}

std::vector<Flag> registry_access_flags() {
  return {authfile_flag(),
          {"cert-dir", 0, FlagKind::value,
           "Use the certificates in this directory (*.crt, *.cert, *.key) for the registry", "files",
           "string"},
          {"tls-verify", 0, FlagKind::boolean,
           "Require HTTPS and verify certificates (--tls-verify=false also allows plain HTTP; default: true unless the registry is on this machine (127.0.0.0/8, ::1) or registries.conf marks it insecure)"}};
}

engine::RegistryAccess registry_access(const Args &a) {
  engine::RegistryAccess r;
  if (a.has("tls-verify"))
    r.tls_verify = a.flag("tls-verify");
  r.cert_dir = a.get("cert-dir");
  r.authfile = a.get("authfile");
  return r;
}

} // namespace skiff::cli
