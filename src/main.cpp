#include "skiff/cli/main.hpp"

int main(int argc, char **argv) { return skiff::cli::main(argc, argv); }
