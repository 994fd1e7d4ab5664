// The DNS server's loop: one poll over the UDP sockets, the TCP listeners
// and connections, the inotify watch on the state directory, a signalfd,
// and the sockets of queries forwarded upstream. Deciding what to answer
// is dns_answer.cpp's; this file moves bytes and keeps time.
#include "dns_serve.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <list>
#include <memory>

#include "skiff/network/dns_answer.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/sys/memory.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/lock.hpp"

namespace skiff::network::detail {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kUpstreamTimeout = 2s;
constexpr auto kEmptyGrace = 1s;
constexpr auto kIdleConnection = 10s;
constexpr size_t kMaxConnections = 64;
constexpr size_t kMaxExchanges = 512;
constexpr size_t kMaxMessage = 65535;

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
};

Endpoint endpoint(const dns::Address &a, uint16_t port) {
  Endpoint e;
  if (a.v6) {
    auto *s = reinterpret_cast<sockaddr_in6 *>(&e.addr);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(port);
    std::memcpy(&s->sin6_addr, a.bytes.data(), 16);
    e.len = sizeof *s;
    e.family = AF_INET6;
  } else {
    auto *s = reinterpret_cast<sockaddr_in *>(&e.addr);
    s->sin_family = AF_INET;
    s->sin_port = htons(port);
    std::memcpy(&s->sin_addr, a.bytes.data(), 4);
    e.len = sizeof *s;
  }
  return e;
}

std::string describe(const dns::Address &a, uint16_t port) {
  return a.v6 ? fmt::format("[{}]:{}", dns::format_address(a), port)
              : fmt::format("{}:{}", dns::format_address(a), port);
}

std::vector<uint8_t> framed(const std::vector<uint8_t> &msg) {
  std::vector<uint8_t> out(msg.size() + 2);
  out[0] = static_cast<uint8_t>(msg.size() >> 8);
  out[1] = static_cast<uint8_t>(msg.size());
  std::copy(msg.begin(), msg.end(), out.begin() + 2);
  return out;
}

// Who gets a reply: a UDP sender, or a TCP connection (by its serial
// number, since it may close while its query is upstream).
struct Peer {
  int udp_fd = -1;
  sockaddr_storage addr{};
  socklen_t len = 0;
  uint64_t connection = 0;
};

struct Connection {
  uint64_t serial = 0;
  UniqueFd fd;
  std::vector<uint8_t> in, out;
  Clock::time_point last;
  int pending = 0;  // queries upstream
  bool eof = false;
};

// A query forwarded upstream: tried on each upstream in turn, over UDP,
// then over TCP on the same upstream when the answer came truncated.
struct Exchange {
  Peer peer;
  std::vector<uint8_t> packet;
  dns::Query query;
  size_t upstream = 0;
  bool tcp = false;
  UniqueFd fd;
  Clock::time_point deadline;
  std::vector<uint8_t> in, out;
  bool done = false;
};

class Server {
public:
  explicit Server(const DnsServerConfig &c) : config_(c) {
    policy_.search_domains = c.search_domains;
    policy_.internal = c.internal;
    names_path_ = c.state_dir + "/names";
    pid_path_ = c.state_dir + "/dns.pid";
  }

  Status start();
  int run();

private:
  void reload();
  bool ready_to_exit();
  void on_signal();
  void on_inotify();
  void on_udp(int fd);
  void on_accept(int fd);
  void on_connection(Connection &c, short revents);
  void handle(std::span<const uint8_t> packet, const Peer &peer);
  void deliver(const Peer &peer, const dns::Query *query, std::span<const uint8_t> packet,
               std::vector<uint8_t> reply);
  void open_exchange(Exchange &x);
  void next_upstream(Exchange &x);
  void on_exchange(Exchange &x, short revents);
  void finish(Exchange &x, std::vector<uint8_t> reply);
  Connection *connection(uint64_t serial);

  DnsServerConfig config_;
  dns::AnswerPolicy policy_;
  dns::NameTable table_;
  std::string names_path_, pid_path_;
  std::vector<dns::Address> upstreams_;
  std::vector<UniqueFd> udp_, listeners_;
  UniqueFd inotify_, signals_;
  std::list<Connection> connections_;
  std::list<Exchange> exchanges_;
  uint64_t next_serial_ = 1;
  std::optional<Clock::time_point> empty_since_;
  std::optional<FileLock> exit_lock_;
  bool stop_ = false;
};

Status Server::start() {
  for (const auto &u : config_.upstreams) {
    auto a = dns::parse_address(u);
    if (!a)
      return make_error(Errc::invalid, "upstream nameserver {:?} is not an IP address", u);
    upstreams_.push_back(*a);
  }
  for (const auto &l : config_.listen) {
    auto a = dns::parse_address(l);
    if (!a)
      return make_error(Errc::invalid, "listen address {:?} is not an IP address", l);
    Endpoint e = endpoint(*a, config_.port);
    int one = 1;
    UniqueFd u(::socket(e.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!u)
      return sys_error("opening a UDP socket");
    if (a->v6)
      ::setsockopt(u.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(u.get(), reinterpret_cast<sockaddr *>(&e.addr), e.len) < 0)
      return sys_error("binding UDP {}", describe(*a, config_.port));
    UniqueFd t(::socket(e.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!t)
      return sys_error("opening a TCP socket");
    ::setsockopt(t.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (a->v6)
      ::setsockopt(t.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(t.get(), reinterpret_cast<sockaddr *>(&e.addr), e.len) < 0)
      return sys_error("binding TCP {}", describe(*a, config_.port));
    if (::listen(t.get(), 64) < 0)
      return sys_error("listening on TCP {}", describe(*a, config_.port));
    udp_.push_back(std::move(u));
    listeners_.push_back(std::move(t));
  }
  inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!inotify_)
    return sys_error("inotify_init1");
  if (::inotify_add_watch(inotify_.get(), config_.state_dir.c_str(),
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF |
                              IN_MOVE_SELF | IN_ONLYDIR) < 0)
    return sys_error("watching {}", config_.state_dir);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  signals_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signals_)
    return sys_error("signalfd");
  ::signal(SIGPIPE, SIG_IGN);
  TRY_STATUS(fs::write_file_atomic(pid_path_, fmt::format("{}\n", ::getpid()), false));
  reload();
  return {};
}

void Server::reload() {
  auto text = fs::read_file(names_path_);
  table_ = dns::NameTable::parse(text ? *text : "");
  if (!table_.empty())
    empty_since_.reset();
  else if (!empty_since_)
    empty_since_ = Clock::now();
}

// The table stayed empty a grace second: exit, unless a starter wrote
// names meanwhile. Checked under dns.start.lock, which ensure_dns_server
// holds from its look at dns.lock until it returns: either it saw this
// server (and the names it wrote before are seen here), or it comes after
// this process is gone and starts another.
bool Server::ready_to_exit() {
  reload();
  if (!table_.empty())
    return false;
  auto lock = FileLock::acquire(config_.state_dir + "/dns.start.lock");
  if (!lock) {
    // The directory removed with the network: nothing to serve. (Its
    // IN_DELETE_SELF comes only once dns.lock, open here, is closed.)
    if (lock.error().sys_errno == ENOENT)
      return true;
    empty_since_ = Clock::now();  // look again a grace second later
    return false;
  }
  reload();
  if (!table_.empty())
    return false;
  // Held until the process exits, which releases dns.lock with it.
  exit_lock_.emplace(std::move(*lock));
  return true;
}

void Server::on_signal() {
  signalfd_siginfo si;
  while (::read(signals_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si))
    stop_ = true;
}

void Server::on_inotify() {
  alignas(inotify_event) char buf[4096];
  bool changed = false;
  for (;;) {
    ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
    if (n <= 0)
      break;
    for (char *p = buf; p < buf + n;) {
      auto *ev = reinterpret_cast<inotify_event *>(p);
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
        stop_ = true;  // the network is gone
      else if (ev->len > 0 && std::strcmp(ev->name, "names") == 0)
        changed = true;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  if (changed)
    reload();
}

void Server::on_udp(int fd) {
  static uint8_t buf[kMaxMessage];
  for (int i = 0; i < 64; i++) {
    Peer peer;
    peer.udp_fd = fd;
    peer.len = sizeof peer.addr;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&peer.addr), &peer.len);
    if (n < 0)
      return;
    handle({buf, static_cast<size_t>(n)}, peer);
  }
}

void Server::on_accept(int fd) {
  for (;;) {
    UniqueFd c(::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!c)
      return;
    if (connections_.size() >= kMaxConnections)
      continue;  // closed: the client retries or gives up
    Connection &conn = connections_.emplace_back();
    conn.serial = next_serial_++;
    conn.fd = std::move(c);
    conn.last = Clock::now();
  }
}

void Server::on_connection(Connection &c, short revents) {
  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    uint8_t buf[16384];
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      c.last = Clock::now();
      c.in.insert(c.in.end(), buf, buf + n);
      // Every whole message: a client may send several before reading.
      while (c.in.size() >= 2) {
        size_t len = static_cast<size_t>(c.in[0] << 8 | c.in[1]);
        if (c.in.size() < 2 + len)
          break;
        std::vector<uint8_t> msg(c.in.begin() + 2, c.in.begin() + static_cast<long>(2 + len));
        c.in.erase(c.in.begin(), c.in.begin() + static_cast<long>(2 + len));
        Peer peer;
        peer.connection = c.serial;
        handle(msg, peer);
      }
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      c.eof = true;
    }
  }
  if (!c.out.empty() && (revents & POLLOUT)) {
    ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0)
      c.out.erase(c.out.begin(), c.out.begin() + n);
    else if (n < 0 && errno != EAGAIN && errno != EINTR)
      c.eof = true, c.out.clear();
  }
}

Connection *Server::connection(uint64_t serial) {
  for (auto &c : connections_)
    if (c.serial == serial)
      return &c;
  return nullptr;
}

void Server::handle(std::span<const uint8_t> packet, const Peer &peer) {
  bool tcp = peer.connection != 0;
  auto d = dns::decide(packet, table_, policy_, tcp);
  switch (d.kind) {
  case dns::Decision::Kind::drop:
    return;
  case dns::Decision::Kind::reply:
    deliver(peer, nullptr, packet, std::move(d.reply));
    return;
  case dns::Decision::Kind::forward:
    break;
  }
  if (upstreams_.empty() || exchanges_.size() >= kMaxExchanges) {
    deliver(peer, nullptr, packet, dns::servfail_reply(packet, d.query));
    return;
  }
  Exchange &x = exchanges_.emplace_back();
  x.peer = peer;
  x.packet.assign(packet.begin(), packet.end());
  x.query = std::move(d.query);
  if (auto *c = tcp ? connection(peer.connection) : nullptr)
    c->pending++;
  open_exchange(x);
}

void Server::deliver(const Peer &peer, const dns::Query *query, std::span<const uint8_t> packet,
                     std::vector<uint8_t> reply) {
  if (peer.connection == 0) {
    // An upstream's reply fetched over TCP may exceed what the client
    // takes over UDP: it asks again over TCP.
    if (query && reply.size() > dns::udp_limit(*query))
      reply = dns::truncated_reply(packet, *query);
    ::sendto(peer.udp_fd, reply.data(), reply.size(), MSG_NOSIGNAL,
             reinterpret_cast<const sockaddr *>(&peer.addr), peer.len);
    return;
  }
  if (auto *c = connection(peer.connection)) {
    auto f = framed(reply);
    c->out.insert(c->out.end(), f.begin(), f.end());
    c->last = Clock::now();
  }
}

// Opens a socket to the exchange's upstream and sends the query (for TCP,
// queues it until the connection is made); on failure moves on.
void Server::open_exchange(Exchange &x) {
  while (x.upstream < upstreams_.size()) {
    Endpoint e = endpoint(upstreams_[x.upstream], 53);
    x.in.clear();
    x.out.clear();
    x.deadline = Clock::now() + kUpstreamTimeout;
    x.fd.reset(::socket(e.family, (x.tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (x.fd) {
      int r = ::connect(x.fd.get(), reinterpret_cast<sockaddr *>(&e.addr), e.len);
      if (x.tcp && (r == 0 || errno == EINPROGRESS)) {
        x.out = framed(x.packet);
        return;
      }
      if (!x.tcp && r == 0 && ::send(x.fd.get(), x.packet.data(), x.packet.size(), MSG_NOSIGNAL) >= 0)
        return;
    }
    x.tcp = false;
    x.upstream++;
  }
  finish(x, dns::servfail_reply(x.packet, x.query));
}

void Server::next_upstream(Exchange &x) {
  x.tcp = false;
  x.upstream++;
  open_exchange(x);
}

void Server::on_exchange(Exchange &x, short revents) {
  if (x.tcp && !x.out.empty() && (revents & (POLLOUT | POLLERR | POLLHUP))) {
    ssize_t n = ::send(x.fd.get(), x.out.data(), x.out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return next_upstream(x);
    if (n > 0)
      x.out.erase(x.out.begin(), x.out.begin() + n);
    return;
  }
  if (!(revents & (POLLIN | POLLERR | POLLHUP)))
    return;
  uint8_t buf[kMaxMessage];
  ssize_t n = ::recv(x.fd.get(), buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0)
    return next_upstream(x);  // refused (ICMP), reset, or closed early
  if (!x.tcp) {
    std::span<const uint8_t> reply(buf, static_cast<size_t>(n));
    // The connected socket takes only its upstream's datagrams; one that
    // is not the answer to this query is ignored.
    if (reply.size() < dns::kHeaderSize || dns::packet_id(reply) != x.query.id ||
        !(dns::packet_flags(reply) & dns::kFlagQr))
      return;
    if (dns::packet_flags(reply) & dns::kFlagTc) {
      x.tcp = true;
      return open_exchange(x);
    }
    return finish(x, {reply.begin(), reply.end()});
  }
  x.in.insert(x.in.end(), buf, buf + n);
  if (x.in.size() < 2)
    return;
  size_t len = static_cast<size_t>(x.in[0] << 8 | x.in[1]);
  if (x.in.size() < 2 + len)
    return;
  std::vector<uint8_t> reply(x.in.begin() + 2, x.in.begin() + static_cast<long>(2 + len));
  if (reply.size() < dns::kHeaderSize || dns::packet_id(reply) != x.query.id)
    return next_upstream(x);
  finish(x, std::move(reply));
}

void Server::finish(Exchange &x, std::vector<uint8_t> reply) {
  x.done = true;
  x.fd.reset();
  if (x.peer.connection != 0)
    if (auto *c = connection(x.peer.connection))
      c->pending--;
  deliver(x.peer, &x.query, x.packet, std::move(reply));
}

int Server::run() {
  std::vector<pollfd> fds;
  std::vector<Connection *> conn_at;
  std::vector<Exchange *> exch_at;
  while (!stop_) {
    auto now = Clock::now();
    if (empty_since_ && now - *empty_since_ >= kEmptyGrace) {
      if (ready_to_exit())
        break;
    }
    // Timeouts: upstreams that did not answer move on; idle connections
    // close.
    for (auto &x : exchanges_)
      if (!x.done && now >= x.deadline)
        next_upstream(x);
    exchanges_.remove_if([](const Exchange &x) { return x.done; });
    connections_.remove_if([&](const Connection &c) {
      return c.out.empty() && c.pending == 0 && (c.eof || now - c.last >= kIdleConnection);
    });

    fds.clear();
    conn_at.clear();
    exch_at.clear();
    fds.push_back({signals_.get(), POLLIN, 0});
    fds.push_back({inotify_.get(), POLLIN, 0});
    for (auto &u : udp_)
      fds.push_back({u.get(), POLLIN, 0});
    for (auto &l : listeners_)
      fds.push_back({l.get(), POLLIN, 0});
    size_t fixed = fds.size();
    for (auto &c : connections_) {
      // A closed one waits, unpolled, for its answers from upstream.
      short ev = static_cast<short>((c.eof ? 0 : POLLIN) | (c.out.empty() ? 0 : POLLOUT));
      fds.push_back({ev == 0 ? -1 : c.fd.get(), ev, 0});
      conn_at.push_back(&c);
    }
    Clock::time_point wake = now + kIdleConnection;
    if (empty_since_)
      wake = std::min(wake, *empty_since_ + kEmptyGrace);
    for (auto &x : exchanges_) {
      short ev = static_cast<short>(x.tcp && !x.out.empty() ? POLLOUT : POLLIN);
      fds.push_back({x.fd.get(), ev, 0});
      exch_at.push_back(&x);
      wake = std::min(wake, x.deadline);
    }
    for (auto &c : connections_)
      wake = std::min(wake, c.last + kIdleConnection);
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
    int r = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(ms, 0)));
    if (r < 0 && errno != EINTR)
      return kExitRuntime;
    if (r <= 0)
      continue;
    if (fds[0].revents)
      on_signal();
    if (fds[1].revents)
      on_inotify();
    size_t i = 2;
    for (auto &u : udp_)
      if (fds[i++].revents)
        on_udp(u.get());
    for (auto &l : listeners_)
      if (fds[i++].revents)
        on_accept(l.get());
    for (size_t k = 0; k < conn_at.size(); k++)
      if (fds[fixed + k].revents)
        on_connection(*conn_at[k], fds[fixed + k].revents);
    size_t base = fixed + conn_at.size();
    for (size_t k = 0; k < exch_at.size(); k++)
      if (!exch_at[k]->done && fds[base + k].revents)
        on_exchange(*exch_at[k], fds[base + k].revents);
  }
  ::unlink(pid_path_.c_str());
  return 0;
}

} // namespace

int serve_dns(const DnsServerConfig &config, int report_fd) {
  Server server(config);
  if (auto s = server.start(); !s) {
    sys::write_report(report_fd, s.error().exit_code, {s.error().message});
    return s.error().exit_code;
  }
  sys::report_value(report_fd, fmt::format("{}", ::getpid()));
  ::close(report_fd);
  // What the forking command touched and the server never will.
  sys::shed_inherited_pages();
  return server.run();
}

} // namespace skiff::network::detail
