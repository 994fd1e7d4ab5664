#include "gzip_blocks.hpp"

#include <sched.h>

#include <algorithm>
#include <system_error>

#include <libdeflate.h>

namespace skiff::image::detail {

namespace {
// gzip -6, Docker's and podman's default; libdeflate's 6 packs as tight as
// zlib's at several times its speed.
constexpr int kLevel = 6;

unsigned usable_cpus() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  return 1;
}
} // namespace

GzipBlocks::GzipBlocks(Sink sink, unsigned threads) : sink_(std::move(sink)) {
  if (threads == 0)
    threads = std::min(usable_cpus(), kMaxThreads);
  compressors_.resize(threads, nullptr);
}

GzipBlocks::~GzipBlocks() {
  // Blocks still in flight use the compressors: wait for them first.
  for (auto &j : jobs_)
    j.size.wait();
  jobs_.clear();
  for (auto *c : compressors_)
    libdeflate_free_compressor(c);
}

Status GzipBlocks::write(const void *data, size_t len) {
  const char *p = static_cast<const char *>(data);
  while (len > 0) {
    if (cur_.in.capacity() < kBlock)
      cur_.in.reserve(kBlock);
    size_t n = std::min(len, kBlock - cur_.in.size());
    cur_.in.insert(cur_.in.end(), p, p + n);
    p += n;
    len -= n;
    if (cur_.in.size() == kBlock)
      TRY_STATUS(submit());
  }
  return {};
}

Status GzipBlocks::finish() {
  // An empty stream is still one (empty) member.
  if (!cur_.in.empty() || submitted_ == 0)
    TRY_STATUS(submit());
  while (!jobs_.empty())
    TRY_STATUS(collect());
  return {};
}

Status GzipBlocks::submit() {
  // At most one block per compressor in flight: block k's compressor is
  // free again once block k - threads has been collected.
  if (jobs_.size() == compressors_.size())
    TRY_STATUS(collect());
  auto &c = compressors_[submitted_++ % compressors_.size()];
  if (!c && !(c = libdeflate_alloc_compressor(kLevel)))
    return make_error(Errc::failed, "initializing gzip compression: out of memory");
  Job job{std::move(cur_), {}};
  job.buf.out.resize(libdeflate_gzip_compress_bound(c, job.buf.in.size()));
  // The buffers' storage stays put when the job moves into the queue.
  const char *in = job.buf.in.data();
  size_t in_len = job.buf.in.size();
  char *out = job.buf.out.data();
  size_t out_cap = job.buf.out.size();
  auto compress = [c, in, in_len, out, out_cap] {
    return libdeflate_gzip_compress(c, in, in_len, out, out_cap);
  };
  try {
    job.size = std::async(std::launch::async, compress);
  } catch (const std::system_error &) {
    // No thread to be had (a pids limit, say): compressed when collected.
    job.size = std::async(std::launch::deferred, compress);
  }
  jobs_.push_back(std::move(job));
  cur_ = {};
  if (!spare_.empty()) {
    cur_ = std::move(spare_.back());
    spare_.pop_back();
    cur_.in.clear();
  }
  return {};
}

Status GzipBlocks::collect() {
  Job job = std::move(jobs_.front());
  jobs_.pop_front();
  size_t n = job.size.get();
  if (n == 0)
    return make_error(Errc::failed, "gzip compression failed");
  TRY_STATUS(sink_({job.buf.out.data(), n}));
  spare_.push_back(std::move(job.buf));
  return {};
}

} // namespace skiff::image::detail
