#include "skiff/sys/memory.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace skiff::sys {

void shed_inherited_pages() {
  ::malloc_trim(0);
  FILE *f = std::fopen("/proc/self/smaps", "re");
  if (!f)
    return;
  char line[512];
  unsigned long start = 0, end = 0;
  bool candidate = false;
  unsigned long dirty = 0, anon = 0;
  auto flush = [&] {
    // Dirty or anonymous pages in a mapping (relocations, .data) hold
    // state: dropping them would lose it. Only clean file pages go. (Each
    // page touched afterwards comes back with up to 64 KiB around it:
    // fault-around, which MADV_RANDOM does not turn off.)
    if (candidate && dirty == 0 && anon == 0)
      ::madvise(reinterpret_cast<void *>(start), end - start, MADV_DONTNEED);
    candidate = false;
  };
  while (std::fgets(line, sizeof line, f)) {
    char perms[5] = {};
    unsigned long s, e, offset, inode;
    char dev[16];
    int path_at = 0;
    if (std::sscanf(line, "%lx-%lx %4s %lx %15s %lu %n", &s, &e, perms, &offset, dev, &inode, &path_at) >= 6) {
      flush();
      start = s;
      end = e;
      dirty = anon = 0;
      // Private, not writable, backed by a file.
      candidate = perms[1] != 'w' && perms[3] == 'p' && inode != 0;
      continue;
    }
    unsigned long kb;
    if (std::sscanf(line, "Private_Dirty: %lu kB", &kb) == 1)
      dirty = kb;
    else if (std::sscanf(line, "Anonymous: %lu kB", &kb) == 1)
      anon = kb;
  }
  flush();
  std::fclose(f);
}

} // namespace skiff::sys
