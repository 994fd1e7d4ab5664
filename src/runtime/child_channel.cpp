#include "child_channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "skiff/util/strings.hpp"

namespace skiff::runtime::detail {

namespace {
struct FdMessage {
  char byte = 'T';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char buf[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  FdMessage() {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = buf;
    msg.msg_controllen = sizeof buf;
  }
};
} // namespace

int send_fd(int sock, int fd) {
  FdMessage m;
  cmsghdr *cm = CMSG_FIRSTHDR(&m.msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  return ::sendmsg(sock, &m.msg, 0) < 0 ? errno : 0;
}

Result<UniqueFd> receive_fd(int sock) {
  FdMessage m;
  ssize_t n;
  do
    n = ::recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&m.msg) : nullptr;
  if (!cm || cm->cmsg_type != SCM_RIGHTS)
    return make_error(Errc::failed, "the process did not hand over its terminal");
  int fd;
  std::memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  return UniqueFd(fd);
}

std::optional<Error> read_child_error(int fd) {
  std::string msg;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    msg.append(buf, static_cast<size_t>(n));
  }
  if (msg.empty())
    return std::nullopt;
  Error e{Errc::failed, msg, kExitRuntime};
  if (auto c = str::cut(msg, ' ')) {
    e.exit_code = static_cast<int>(str::to_int(c->first).value_or(kExitRuntime));
    e.message = c->second;
  }
  return e;
}

} // namespace skiff::runtime::detail
