// Go's text/tabwriter, for docker's table output.
#pragma once

#include <string>
#include <string_view>

namespace skiff::gotmpl {

// Aligns '\t'-separated cells into columns exactly as a Go tabwriter.Writer
// with flags 0 does for the same input followed by Flush. A column is padded
// to its widest cell plus `padding`, and at least `minwidth`; the cell that
// ends a line is not part of a column and is never padded. A column block
// runs over consecutive lines that have a cell in that column. docker/cli
// uses the defaults: NewWriter(out, 10, 1, 3, ' ', 0).
std::string tabwrite(std::string_view text, int minwidth = 10, int tabwidth = 1, int padding = 3,
                     char padchar = ' ');

} // namespace skiff::gotmpl
