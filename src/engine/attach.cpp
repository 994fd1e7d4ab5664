// attach: the client's end of a running container's attach socket.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

#include "skiff/engine/attach.hpp"
#include "skiff/supervisor/supervisor.hpp"
#include "skiff/util/fs.hpp"
#include "store_access.hpp"

namespace skiff::engine {

Result<UniqueFd> attach_container(Engine &eng, const ContainerView &v) {
  std::string path = supervisor::attach_socket_path(store_of(eng), v.config.id);
  // Through the directory's fd: the path may be longer than a socket
  // address holds (108 bytes).
  UniqueFd dir(::open(fs::dirname(path).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/attach.sock", dir.get());
  if (!dir || ::connect(sock.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
    return sys_error("connecting to container {}", v.config.name);
  return sock;
}

} // namespace skiff::engine
