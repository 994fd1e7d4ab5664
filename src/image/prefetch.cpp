#include "prefetch.hpp"

namespace skiff::image::detail {

Prefetcher::Prefetcher(DecompressingReader &in, Sha256 *out_hash, size_t chunk, Tap tap)
    : in_(in), out_hash_(out_hash), chunk_(chunk), tap_(std::move(tap)) {
  for (auto &d : data_)
    d = std::make_unique<uint8_t[]>(chunk_);
  thread_ = std::thread([this] { run(); });
}

Prefetcher::~Prefetcher() { stop(); }

void Prefetcher::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return filled_ < kSlots || cancel_; });
    if (cancel_)
      return;
    size_t slot = (head_ + filled_) % kSlots;
    lk.unlock();
    auto n = in_.read(data_[slot].get(), chunk_);
    if (n && *n > 0 && out_hash_ && in_.compression() != Compression::none)
      out_hash_->update(data_[slot].get(), *n);
    if (n && *n > 0 && tap_)
      tap_(data_[slot].get(), *n);
    lk.lock();
    if (!n || *n == 0) {
      if (!n)
        err_ = std::move(n).error();
      done_ = true;
      cv_.notify_all();
      return;
    }
    size_[slot] = *n;
    filled_++;
    cv_.notify_all();
  }
}

Result<Prefetcher::Chunk> Prefetcher::next() {
  std::unique_lock lk(mu_);
  if (held_) {
    head_ = (head_ + 1) % kSlots;
    filled_--;
    held_ = false;
    cv_.notify_all();
  }
  cv_.wait(lk, [&] { return filled_ > 0 || done_; });
  if (filled_ > 0) {
    held_ = true;
    return Chunk{data_[head_].get(), size_[head_]};
  }
  if (err_)
    return *err_;
  return Chunk{nullptr, 0};
}

Status Prefetcher::finish() {
  for (;;) {
    auto c = TRY(next());
    if (c.size == 0)
      break;
  }
  stop();
  return {};
}

// A thread blocked in read() on a pipe ends with that read; cancellation
// only stops it from starting another.
void Prefetcher::stop() {
  if (!thread_.joinable())
    return;
  {
    std::lock_guard lk(mu_);
    cancel_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

} // namespace skiff::image::detail
