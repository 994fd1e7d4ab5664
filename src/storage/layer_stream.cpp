// Adding a layer as it is written: a producer thread and Store::add_layer
// joined by a socket pair (MSG_NOSIGNAL, so a reader that stops early
// gives the producer an error, never a SIGPIPE).
#include <sys/socket.h>

#include <thread>

#include "skiff/storage/layer_stream.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::storage {

Result<LayerRecord> add_layer_stream(Store &store, const std::string &parent, const LayerProducer &produce) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return sys_error("making a socket pair");
  UniqueFd reader(sv[0]), writer(sv[1]);
  Status produced;
  bool reader_gone = false;
  std::thread producer([&] {
    produced = produce([&](const void *p, size_t n) -> Status {
      if (fs::send_all(writer.get(), {static_cast<const char *>(p), n}))
        return {};
      reader_gone = true;
      return make_error(Errc::failed, "the layer store stopped reading");
    });
    ::shutdown(writer.get(), SHUT_WR);
  });
  auto added = store.add_layer(reader.get(), parent);
  ::shutdown(reader.get(), SHUT_RD);
  producer.join();
  // The producer's own failure (a file it could not read) explains a
  // truncated tar better than the store's complaint about it.
  if (!produced && !reader_gone)
    return std::move(produced).error();
  return added;
}

} // namespace skiff::storage
