#include "skiff/util/parallel.hpp"

#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace skiff {

Status run_parallel(size_t count, int threads, std::atomic<bool> &stop,
                    const std::function<Status(size_t)> &job) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;
  auto work = [&] {
    for (size_t i; !stop && (i = next++) < count;) {
      auto s = job(i);
      if (!s) {
        std::lock_guard lock(mu);
        if (!stop.exchange(true))
          first_error = std::move(s).error();
        return;
      }
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < threads && static_cast<size_t>(t) < count; t++)
    workers.emplace_back(work);
  for (auto &w : workers)
    w.join();
  if (first_error)
    return std::move(*first_error);
  return {};
}

} // namespace skiff
