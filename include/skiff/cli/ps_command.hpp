// The COMMAND column of `ps`, as Docker shows it: the daemon joins the
// command's words, quoting those with a space in single quotes (moby's
// daemon/list.go), and docker/cli cuts it to 20 characters unless
// --no-trunc, then quotes it with Go's strconv.Quote.
#pragma once

#include <string>
#include <vector>

namespace skiff::cli {

std::string ps_command(const std::vector<std::string> &argv, bool no_trunc);

} // namespace skiff::cli
