#include "skiff/util/proc_title.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace skiff::proc_title {

namespace {
char *room_start = nullptr;
char *room_end = nullptr;  // past the last string's NUL
}  // namespace

void init(int argc, char **argv) {
  if (argc <= 0 || !argv[0])
    return;
  char *end = argv[0];
  // Only strings laid out one after the other, as the kernel puts them.
  for (int i = 0; i < argc && argv[i] == end; i++)
    end += std::strlen(argv[i]) + 1;
  for (size_t i = 0; environ[i] && environ[i] == end; i++)
    end += std::strlen(environ[i]) + 1;
  room_start = argv[0];
  room_end = end;
}

void set(std::string_view title) {
  if (!room_start)
    return;
  for (size_t i = 0; environ[i]; i++)
    if (environ[i] >= room_start && environ[i] < room_end)
      if (char *copy = ::strdup(environ[i]))
        environ[i] = copy;
  auto room = static_cast<size_t>(room_end - room_start);
  size_t n = std::min(title.size(), room - 1);
  std::memcpy(room_start, title.data(), n);
  // NULs after it: the kernel shows the title up to the first one when it
  // ran past argv's end, else all of argv's room, which ps shows trimmed.
  std::memset(room_start + n, 0, room - n);
}

} // namespace skiff::proc_title
