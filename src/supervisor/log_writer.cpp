#include "skiff/supervisor/log_writer.hpp"

#include <malloc.h>

#include <algorithm>
#include <cerrno>

#include "skiff/supervisor/json_log.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::supervisor {

void LogWriter::add(std::string_view line, std::string_view stream, int64_t time_ns) {
  if (!fd_)
    return;
  if (time_ns != stamp_ns_) {
    stamp_ = timefmt::rfc3339nano(time_ns);
    stamp_ns_ = time_ns;
  }
  if (buf_.empty())
    oldest_ns_ = time_ns;
  append_json_log_line(buf_, line, stream, stamp_);
  if (buf_.size() >= kFlushBytes)
    flush();
}

int LogWriter::due_in_ms(int64_t now_ns) const {
  if (buf_.empty())
    return -1;
  int64_t left = std::min(oldest_ns_ + kMaxDelayNs - now_ns, kMaxDelayNs);  // the clock may step back
  return left <= 0 ? 0 : static_cast<int>((left + 999'999) / 1'000'000);
}

void LogWriter::flush_if_due(int64_t now_ns) {
  if (buf_.empty() || (now_ns - oldest_ns_ < kMaxDelayNs && now_ns >= oldest_ns_))
    return;
  flush();
  // Output has slowed down: give back what a burst grew the buffer to.
  if (buf_.capacity() > kFlushBytes / 4) {
    std::string().swap(buf_);
    ::malloc_trim(0);
  }
}

void LogWriter::flush() {
  std::string_view data = buf_;
  while (!data.empty()) {
    ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;  // a full disk drops these lines; the container goes on
    data.remove_prefix(static_cast<size_t>(n));
  }
  buf_.clear();
}

} // namespace skiff::supervisor
