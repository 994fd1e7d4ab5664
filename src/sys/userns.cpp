#include "skiff/sys/userns.hpp"

#include <cstdio>

namespace skiff::sys {

// Not cached: a process may enter a user namespace after asking.
bool in_user_namespace() {
  FILE *f = std::fopen("/proc/self/uid_map", "re");
  unsigned long inside = 0, outside = 0, count = 0;
  bool identity = f && std::fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3 &&
                  inside == 0 && outside == 0 && count == 4294967295UL;
  if (f)
    std::fclose(f);
  return !identity;
}

} // namespace skiff::sys
