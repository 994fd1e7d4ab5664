// TCP through the forwarder: each accepted connection gets a connection of
// its own to the container's address, made inside the container's network
// namespace, and bytes move between the two with splice(2) through a pipe
// per direction (never through user memory). Non-blocking, edge-triggered:
// any event on either socket pumps both directions until they would block.
// A side that ends its sending is passed on as a half-close (shutdown
// SHUT_WR); the pair closes once both directions are done or either fails.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.hpp"

namespace skiff::network::detail {

namespace {

constexpr int kPipeSize = 1 << 20;  // the unprivileged pipe-max-size

struct Direction {
  int from = -1, to = -1;
  UniqueFd pipe_r, pipe_w;
  size_t in_pipe = 0;  // bytes read from `from` not yet written to `to`
  bool eof = false;    // `from` has ended its sending
  bool done = false;   // and everything was written, `to` shut for writing
};

class TcpPair;

// Which socket of a pair an event is for.
struct Side : EventHandler {
  TcpPair *pair = nullptr;
  bool upstream = false;
  void on_event(uint32_t events) override;
};

class TcpPair : public EventHandler {
public:
  TcpPair(ForwardContext &ctx, UniqueFd client, UniqueFd upstream)
      : ctx_(ctx), client_(std::move(client)), upstream_(std::move(upstream)) {
    client_side_.pair = upstream_side_.pair = this;
    upstream_side_.upstream = true;
  }

  // Pipes made and both sockets watched; false: give up on this client.
  bool arm() {
    for (Direction *d : {&up_, &down_}) {
      int p[2];
      if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
        return false;
      d->pipe_r.reset(p[0]);
      d->pipe_w.reset(p[1]);
      ::fcntl(p[1], F_SETPIPE_SZ, kPipeSize);  // stays at the default where refused
    }
    up_.from = down_.to = client_.get();
    up_.to = down_.from = upstream_.get();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = static_cast<EventHandler *>(&client_side_);
    if (::epoll_ctl(ctx_.epfd, EPOLL_CTL_ADD, client_.get(), &ev) < 0)
      return false;
    ev.data.ptr = static_cast<EventHandler *>(&upstream_side_);
    return ::epoll_ctl(ctx_.epfd, EPOLL_CTL_ADD, upstream_.get(), &ev) == 0;
  }

  void on_event(uint32_t) override {}  // its sockets report through their Sides

  void on_side_event(bool upstream, uint32_t events) {
    if (closed_)
      return;
    if (connecting_) {
      if (!upstream)
        return;  // the client's bytes wait in its socket until we are connected
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(upstream_.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0 || (events & (EPOLLERR | EPOLLHUP)))
        return close();  // the container refused: so is the client, as docker-proxy does
      if (!(events & EPOLLOUT))
        return;
      connecting_ = false;
    }
    if (!pump(up_) || !pump(down_))
      return close();
    if (up_.done && down_.done)
      close();
  }

  void set_connected() { connecting_ = false; }

private:
  // Moves what `d` can move now; false on an error that ends the pair.
  static bool pump(Direction &d) {
    for (;;) {
      if (d.in_pipe > 0) {
        ssize_t n = ::splice(d.pipe_r.get(), nullptr, d.to, nullptr, d.in_pipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
          d.in_pipe -= static_cast<size_t>(n);
          continue;
        }
        if (n < 0 && errno == EINTR)
          continue;
        return n < 0 && errno == EAGAIN;  // EAGAIN: wait for room in `to`
      }
      if (d.eof) {
        if (!d.done) {
          ::shutdown(d.to, SHUT_WR);
          d.done = true;
        }
        return true;
      }
      ssize_t n = ::splice(d.from, nullptr, d.pipe_w.get(), nullptr, kPipeSize, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        d.in_pipe += static_cast<size_t>(n);
        continue;
      }
      if (n == 0) {
        d.eof = true;
        continue;
      }
      if (errno == EINTR)
        continue;
      return errno == EAGAIN;  // EAGAIN: `from` has nothing more for now
    }
  }

  void close() {
    closed_ = true;
    // Closing the sockets takes them out of the epoll set.
    client_.reset();
    upstream_.reset();
    up_.pipe_r.reset();
    up_.pipe_w.reset();
    down_.pipe_r.reset();
    down_.pipe_w.reset();
    ctx_.retire(this);
  }

  ForwardContext &ctx_;
  UniqueFd client_, upstream_;
  Direction up_, down_;  // client to container, container to client
  Side client_side_, upstream_side_;
  bool connecting_ = true;
  bool closed_ = false;
};

void Side::on_event(uint32_t events) { pair->on_side_event(upstream, events); }

class TcpListener : public EventHandler {
public:
  TcpListener(ForwardContext &ctx, Listener &l) : ctx_(ctx), l_(l) {}

  void on_event(uint32_t) override {
    for (;;) {
      UniqueFd client(::accept4(l_.fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!client) {
        if (errno == EINTR || errno == ECONNABORTED)
          continue;
        return;  // EAGAIN, or out of fds: the rest wait in the backlog
      }
      relay(std::move(client));
    }
  }

private:
  void relay(UniqueFd client) {
    in_addr addr;
    if (!ctx_.container_address(addr))
      return;  // no address yet: the client sees its connection closed
    // Made after setns: this socket is in the container's namespace.
    UniqueFd up(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!up)
      return;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr = addr;
    sa.sin_port = htons(l_.request.container_port);
    int rc = ::connect(up.get(), reinterpret_cast<sockaddr *>(&sa), sizeof sa);
    if (rc < 0 && errno != EINPROGRESS)
      return;
    auto pair = std::make_unique<TcpPair>(ctx_, std::move(client), std::move(up));
    if (rc == 0)
      pair->set_connected();
    if (!pair->arm())
      return;
    ctx_.adopt(std::move(pair));
  }

  ForwardContext &ctx_;
  Listener &l_;
};

} // namespace

std::unique_ptr<EventHandler> tcp_listener(ForwardContext &ctx, Listener &l) {
  return std::make_unique<TcpListener>(ctx, l);
}

} // namespace skiff::network::detail
