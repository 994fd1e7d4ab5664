// The Go types behind each view, as docker's --format sees them: which
// objects are maps, which structs, and what their type names are.
#pragma once

#include "skiff/gotmpl/template.hpp"

namespace skiff::cli {

// inspect: moby's ContainerJSON, ImageInspect, Volume and network.Inspect.
const gotmpl::Types &container_inspect_types();
const gotmpl::Types &image_inspect_types();
const gotmpl::Types &volume_inspect_types();
const gotmpl::Types &network_inspect_types();

// info and version: docker/cli's dockerInfo and versionInfo.
const gotmpl::Types &info_types();
const gotmpl::Types &version_types();

// Listing rows: docker/cli's formatter contexts.
const gotmpl::Types &ps_row_types();
const gotmpl::Types &image_row_types();
const gotmpl::Types &volume_row_types();
const gotmpl::Types &network_row_types();
const gotmpl::Types &history_row_types();
const gotmpl::Types &search_row_types();

} // namespace skiff::cli
