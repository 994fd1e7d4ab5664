#include "skiff/storage/layer_driver.hpp"

#include <cstddef>
#include <iterator>

namespace skiff::storage {

namespace {

// Indexed by kind.
constexpr LayerDriver kDrivers[] = {
    {DriverKind::overlay, "overlay", false},
    {DriverKind::fuse_overlayfs, "fuse-overlayfs", false},
    {DriverKind::vfs, "vfs", true},
};

constexpr bool indexed_by_kind() {
  for (size_t i = 0; i < std::size(kDrivers); i++)
    if (static_cast<size_t>(kDrivers[i].kind) != i)
      return false;
  return true;
}
static_assert(indexed_by_kind());

} // namespace

const LayerDriver &layer_driver(DriverKind kind) { return kDrivers[static_cast<size_t>(kind)]; }

Result<DriverKind> parse_driver(std::string_view name) {
  for (const auto &d : kDrivers)
    if (d.name == name)
      return d.kind;
  return make_error(Errc::invalid, "unknown storage driver \"{}\": use {}, {} or {}", name,
                    kDrivers[0].name, kDrivers[1].name, kDrivers[2].name);
}

} // namespace skiff::storage
