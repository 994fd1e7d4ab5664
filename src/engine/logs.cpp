// logs: reading a container's json-file log, from an offset found at its
// end for --tail, and following it (inotify) while the container runs.
#include "skiff/engine/logs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/supervisor/json_log.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::engine {

LogRenderer::LogRenderer(const LogsRequest &r, LogSink sink)
    : req_(r), sink_(std::move(sink)),
      out_(std::make_unique_for_overwrite<char[]>(kChunk + supervisor::kRunSlack)),
      out_cap_(kChunk + supervisor::kRunSlack) {}

bool LogRenderer::switch_to(bool is_stderr) {
  if (is_stderr == out_stderr_)
    return true;
  bool ok = flush();
  out_stderr_ = is_stderr;
  return ok;
}

void LogRenderer::append(std::string_view s) {
  if (out_size_ + s.size() > out_cap_) {
    size_t cap = std::max(out_cap_ * 2, out_size_ + s.size());
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    std::memcpy(bigger.get(), out_.get(), out_size_);
    out_ = std::move(bigger);
    out_cap_ = cap;
  }
  std::memcpy(out_.get() + out_size_, s.data(), s.size());
  out_size_ += s.size();
}

bool LogRenderer::take(std::string_view data, size_t &used) {
  text_.clear();
  auto f = supervisor::decode_json_log_line(data, used, text_, scratch_);
  if (!f)
    return true;
  bool timed = req_.since || req_.until || req_.timestamps;
  int64_t t = 0;
  if (timed)
    t = timefmt::parse_rfc3339(f->time_text).value_or(0);
  if ((req_.since && t < *req_.since) || (req_.until && t > *req_.until)) {
    if (req_.until && t > *req_.until)
      done_ = true;
    return !done_;
  }
  if (!switch_to(f->is_stderr))
    return false;
  if (req_.timestamps) {
    append(t ? timefmt::rfc3339nano_fixed(t) : std::string(f->time_text));
    append(" ");
  }
  append(text_);
  return out_size_ < kChunk || flush();
}

bool LogRenderer::feed(std::string_view lines) {
  bool plain = !req_.since && !req_.until && !req_.timestamps;
  while (!done_ && !lines.empty()) {
    if (plain) {
      // Lines of the stream being printed, decoded straight onto the
      // output, as many as the chunk has room for (text is never longer
      // than its line): the way through a long log.
      auto run = supervisor::decode_json_log_run(lines.substr(0, kChunk - out_size_), out_stderr_,
                                                 out_.get() + out_size_);
      out_size_ += run.written;
      lines.remove_prefix(run.used);
      // A chunk about full goes out: the room left would take few lines.
      if (out_size_ > kChunk - kChunk / 8 && !flush())
        break;
      if (run.used)
        continue;
    }
    // Any other line, and every line when times matter.
    size_t used = 0;
    if (!take(lines, used))
      done_ = true;
    lines.remove_prefix(used);
  }
  return !done_;
}

bool LogRenderer::flush() {
  if (out_size_ == 0)
    return true;
  bool ok = sink_(out_stderr_, std::string_view(out_.get(), out_size_));
  out_size_ = 0;
  if (!ok)
    done_ = true;
  return ok;
}

Result<int64_t> tail_offset(int fd, int64_t size, long long n) {
  // The start of the last n lines is just past the (n+1)th newline from
  // the end: the first one ends the last whole line.
  char buf[65536];
  long long seen = 0;
  int64_t pos = size;
  while (pos > 0) {
    auto len = static_cast<size_t>(std::min<int64_t>(pos, sizeof buf));
    pos -= static_cast<int64_t>(len);
    ssize_t got = ::pread(fd, buf, len, pos);
    if (got < 0)
      return sys_error("reading the log");
    if (static_cast<size_t>(got) != len)
      return make_error(Errc::failed, "the log shrank while it was read");
    for (size_t end = len; end > 0;) {
      const void *nl = ::memrchr(buf, '\n', end);
      if (!nl)
        break;
      end = static_cast<size_t>(static_cast<const char *>(nl) - buf);
      if (++seen == n + 1)
        return pos + static_cast<int64_t>(end) + 1;
    }
  }
  return int64_t(0);
}

namespace {

// Reads a log from its current offset and renders its whole lines; a
// last line without its newline waits for the next read.
class LogReader {
public:
  explicit LogReader(LogRenderer &render) : render_(render), buf_(128 << 10) {}
  // Reads to the end of the file; false: stop.
  bool drain(int fd) {
    for (;;) {
      if (have_ == buf_.size())  // a line longer than the buffer
        buf_.resize(buf_.size() * 2);
      ssize_t n = ::read(fd, buf_.data() + have_, buf_.size() - have_);
      if (n <= 0)
        return true;
      have_ += static_cast<size_t>(n);
      const void *nl = ::memrchr(buf_.data(), '\n', have_);
      if (!nl)
        continue;
      size_t whole = static_cast<size_t>(static_cast<const char *>(nl) - buf_.data()) + 1;
      if (!render_.feed(std::string_view(buf_.data(), whole)))
        return false;
      std::memmove(buf_.data(), buf_.data() + whole, have_ - whole);
      have_ -= whole;
    }
  }

private:
  LogRenderer &render_;
  std::vector<char> buf_;
  size_t have_ = 0;
};

} // namespace

Status Engine::container_logs(const std::string &id, const LogsRequest &r, const LogSink &sink) {
  auto rec = TRY(store_.read_container(id));
  if (rec.config.log_driver == "none")
    return make_error(Errc::invalid, "configured logging driver does not support reading");
  std::string dir = store_.container_dir(id), path = store_.container_log_path(id);
  // Watched before the first read, so no write after it goes unnoticed.
  UniqueFd watch;
  if (r.follow) {
    watch.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (watch && (::inotify_add_watch(watch.get(), dir.c_str(), IN_MODIFY | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF) < 0))
      watch.reset();
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd && errno != ENOENT)
    return sys_error("opening the log of {}", rec.config.name);
  LogRenderer render(r, sink);
  LogReader reader(render);
  if (fd && r.tail >= 0) {
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0)
      return sys_error("reading the log of {}", rec.config.name);
    int64_t off = TRY(tail_offset(fd.get(), st.st_size, r.tail));
    ::lseek(fd.get(), off, SEEK_SET);
  }
  // What was rendered before a stop (--until) is still printed.
  bool more = !fd || reader.drain(fd.get());
  if (!render.flush() || !more || !r.follow)
    return Status{};
  for (;;) {
    // The supervisor writes all output before it records the exit: once
    // the state says stopped, one more read has everything.
    auto st = store_.read_state(id);
    if (st)
      repair_state(id, *st);
    bool active = st && (st->status == storage::RunStatus::running ||
                         st->status == storage::RunStatus::restarting);
    if (!fd)
      fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    more = !fd || reader.drain(fd.get());
    if (!render.flush() || !more)
      return Status{};
    if (!active)
      return Status{};
    if (!watch) {
      ::usleep(50'000);
      continue;
    }
    // The state is read again after any change in the directory (the log
    // written, state.json renamed into place), or every half second.
    pollfd p{watch.get(), POLLIN, 0};
    if (::poll(&p, 1, 500) > 0) {
      alignas(inotify_event) char events[4096];
      while (::read(watch.get(), events, sizeof events) > 0) {
      }
    }
  }
}

} // namespace skiff::engine
