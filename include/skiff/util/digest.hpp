// SHA-256 digests in the OCI form "sha256:<64 hex>".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff {

class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(Sha256 &&) noexcept;
  Sha256 &operator=(Sha256 &&) noexcept;
  void update(const void *data, size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // "sha256:<hex>"; the hasher cannot be updated afterwards.
  std::string digest();
  std::string hex();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_digest(std::string_view data); // "sha256:<hex>"
std::string sha256_hex(std::string_view data);

// Checks "sha256:<64 lowercase hex>"; returns the hex part.
Result<std::string> digest_hex(std::string_view digest);
bool is_hex(std::string_view s);

} // namespace skiff
