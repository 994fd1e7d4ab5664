#include "skiff/sys/proctitle.hpp"

#include <algorithm>
#include <cstring>

extern char **environ;

namespace skiff::sys {

namespace {
char *area_begin = nullptr;
char *area_end = nullptr;
} // namespace

void record_args_area(int argc, char **argv) {
  if (argc <= 0 || !argv[0])
    return;
  area_begin = argv[0];
  char *end = argv[argc - 1] + std::strlen(argv[argc - 1]) + 1;
  // The environment strings follow the arguments on the initial stack.
  for (char **e = environ; e && *e; e++)
    if (*e == end)
      end = *e + std::strlen(*e) + 1;
  area_end = end;
}

void set_proc_title(std::string_view title) {
  if (!area_begin)
    return;
  for (char **e = environ; e && *e; e++)
    if (*e >= area_begin && *e < area_end)
      if (char *copy = ::strdup(*e))
        *e = copy;
  auto room = static_cast<size_t>(area_end - area_begin);
  size_t n = std::min(title.size(), room - 1);
  std::memcpy(area_begin, title.data(), n);
  // Zeros after it: the kernel shows the title up to the first one when it
  // ran past argv's end, else all of argv's area, which ps shows trimmed.
  std::memset(area_begin + n, 0, room - n);
}

} // namespace skiff::sys
