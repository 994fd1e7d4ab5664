// A build context given as an archive (`build - < ctx.tar.gz`, `build
// ctx.tar`): extracted as Docker extracts one, every entry inside the
// destination. Private to the build module.
#pragma once

#include <string>
#include <string_view>

#include "skiff/build/build.hpp"
#include "skiff/engine/build_inputs.hpp"
#include "skiff/util/result.hpp"

namespace skiff::build {

// Extracts the tar (maybe compressed) that is `head` followed by the rest
// of `fd` into the directory `dir_fd`. Names that climb out of it fail
// the whole extraction; symlinks are stored as they are and resolve
// inside the directory when read (the copy opens paths in it as a root),
// and nothing is ever written through one that leads out. Owners are not
// kept (COPY makes context files root's, as BuildKit receives them);
// modes and times are; devices, fifos and sockets are left out.
Status extract_context(std::string_view head, int fd, int dir_fd);

// The context of `a` extracted into `scratch`, and `r` made to read it
// in place: context_dir, the Dockerfile and its ignore file set from it.
Status open_context_archive(const ContextArchive &a, const engine::ScratchDir &scratch, BuildRequest &r);

} // namespace skiff::build
