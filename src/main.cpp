#include "skiff/cli/main.hpp"
#include "skiff/sys/proctitle.hpp"

int main(int argc, char **argv) {
  skiff::sys::record_args_area(argc, argv);
  return skiff::cli::main(argc, argv);
}
