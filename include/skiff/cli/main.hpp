#pragma once

namespace skiff::cli {
// Entry point of the binary: dispatches on argv[0] (skiff, docker,
// docker-compose) and the command line; returns the process exit code.
int main(int argc, char **argv);
} // namespace skiff::cli
