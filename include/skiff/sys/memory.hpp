// Giving back memory a forked process inherited but does not use.
#pragma once

namespace skiff::sys {

// Drops the resident pages of clean, read-only file mappings (code and
// constants of the binary and its libraries) and returns free heap to the
// kernel. The pages come back from the page cache when touched, so what
// stays resident is what the process really uses: the supervisor, forked
// from a CLI that touched much more, shrinks to its working set.
void shed_inherited_pages();

} // namespace skiff::sys
