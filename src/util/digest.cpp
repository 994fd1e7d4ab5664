#include "skiff/util/digest.hpp"

// libcrypto's one-algorithm SHA-256 functions rather than EVP: linked
// statically, EVP drags in every provider and cipher (300 KiB of pointer
// tables relocated at each start-up, kept resident by every supervisor);
// these bring in only SHA-256, with the same assembly.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace skiff {

struct Sha256::Impl {
  SHA256_CTX ctx;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  SHA256_Init(&impl_->ctx);
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256 &&) noexcept = default;
Sha256 &Sha256::operator=(Sha256 &&) noexcept = default;

void Sha256::update(const void *data, size_t len) {
  SHA256_Update(&impl_->ctx, data, len);
}

std::string Sha256::hex() {
  unsigned char md[SHA256_DIGEST_LENGTH];
  constexpr unsigned n = SHA256_DIGEST_LENGTH;
  SHA256_Final(md, &impl_->ctx);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned i = 0; i < n; i++) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

std::string Sha256::digest() { return "sha256:" + hex(); }

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

std::string sha256_digest(std::string_view data) { return "sha256:" + sha256_hex(data); }

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return !s.empty();
}

Result<std::string> digest_hex(std::string_view digest) {
  constexpr std::string_view prefix = "sha256:";
  if (digest.substr(0, prefix.size()) != prefix || digest.size() != prefix.size() + 64 ||
      !is_hex(digest.substr(prefix.size())))
    return make_error(Errc::invalid, "invalid digest \"{}\"", digest);
  return std::string(digest.substr(prefix.size()));
}

} // namespace skiff
