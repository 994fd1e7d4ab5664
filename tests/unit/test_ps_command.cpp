// The COMMAND column of ps: moby's quoting of words with spaces, docker/cli's
// cut to 20 characters and strconv.Quote.
#include <catch2/catch.hpp>

#include "skiff/cli/ps_command.hpp"

using skiff::cli::ps_command;

TEST_CASE("ps_command: arguments with a space in single quotes, the whole Go-quoted", "[ps_command]") {
  CHECK(ps_command({"sleep", "60"}, false) == "\"sleep 60\"");
  CHECK(ps_command({"sh", "-c", "echo hi; sleep 9"}, true) == "\"sh -c 'echo hi; sleep 9'\"");
  CHECK(ps_command({"sh", "-c", "echo \"a b\""}, true) == "\"sh -c 'echo \\\"a b\\\"'\"");
  CHECK(ps_command({"printf", "a\tb\n"}, true) == "\"printf a\\tb\\n\"");
  CHECK(ps_command({"/my prog", "x"}, true) == "\"/my prog x\"");
  CHECK(ps_command({}, true) == "\"\"");
}

TEST_CASE("ps_command: cut to 20 characters with an ellipsis unless --no-trunc", "[ps_command]") {
  CHECK(ps_command({"sh", "-c", "echo hi; sleep 9"}, false) == "\"sh -c 'echo hi; sle…\"");
  CHECK(ps_command({"echo", "123456789012345"}, false) == "\"echo 123456789012345\"");
  CHECK(ps_command({"echo", "1234567890123456"}, false) == "\"echo 12345678901234…\"");
  // Characters, not bytes.
  CHECK(ps_command({"echo", "ééééééééééééééé"}, false) == "\"echo ééééééééééééééé\"");
  CHECK(ps_command({"echo", "éééééééééééééééé"}, false) == "\"echo éééééééééééééé…\"");
}
