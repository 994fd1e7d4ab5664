// Runs a list of jobs on a few threads, stopping at the first error: the
// layer transfers of pull and push.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include "skiff/util/result.hpp"

namespace skiff {

// Calls job(i) for every i below `count` on up to `threads` threads. The
// first error sets `stop` (jobs in flight may watch it to end early), no
// new job starts, and that error is returned once every thread is done.
Status run_parallel(size_t count, int threads, std::atomic<bool> &stop,
                    const std::function<Status(size_t)> &job);

} // namespace skiff
