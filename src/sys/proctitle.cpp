#include "skiff/sys/proctitle.hpp"

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

void clear_args_area(const char *title) {
  if (!area_begin)
    return;
  std::memset(area_begin, 0, static_cast<size_t>(area_end - area_begin));
  std::strncpy(area_begin, title, static_cast<size_t>(area_end - area_begin) - 1);
}

} // namespace skiff::sys
