// Internal: the supervisor's life after the fork.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/network/ports.hpp"
#include "skiff/network/user_net.hpp"
#include "skiff/supervisor/json_log.hpp"
#include "skiff/supervisor/launch_plan.hpp"
#include "skiff/supervisor/log_writer.hpp"
#include "skiff/supervisor/records.hpp"
#include "skiff/util/fd.hpp"

namespace skiff::supervisor {

class Monitor {
public:
  Monitor(const LaunchPlan &plan, ContainerRecords &records, int attach_fd, int status_fd);
  // Runs the container (again, per restart policy) until it is done;
  // returns the supervisor's exit status.
  int run();

private:
  struct Client {
    UniqueFd fd;
    std::string in;  // bytes received, not yet a whole frame
  };

  // Carries out the plan once; the error says why it could not start.
  Result<pid_t> start_once(UniqueFd &out, UniqueFd &err, UniqueFd &in);
  // Ends a start that failed after the clone: the child and the network
  // helper stopped, the run's resources released.
  Error abort_start(pid_t pid, Error why);
  // The veth pairs of its bridge networks.
  Status attach_endpoints(int container_netns);
  // Pumps output to the log and clients until the container exits.
  int pump(pid_t pid, UniqueFd out, UniqueFd err, UniqueFd in);
  void emit(int stream, std::string_view data);
  void handle_client_input(Client &c, int stdin_fd, bool &stdin_closed);
  // Tells the CLI, once, how the start went on the status pipe (sys's
  // child report: "0 <pid>", or "<exit code> <message>").
  void report(int code, std::string_view msg);
  bool should_restart(int exit_code, int64_t ran_ns, int &backoff_ms);
  // Tells attached clients the exit code; the removal of an --rm
  // container begins first, so that when a foreground run returns it no
  // longer exists.
  void finish(int exit_code);
  // Work left once clients know: namespace teardown, the network helper,
  // and the cgroup and files of a container being removed.
  void clean_up(pid_t net_helper);

  // Restarts (restart policy) launch the same plan again, asking the
  // engine nothing: it holds nothing that changes between the runs of one
  // start (the config is immutable; the image, its layers and the volumes
  // stay while the container exists). The host's resolv.conf and the
  // --device nodes are looked up again by the next start command.
  const LaunchPlan &plan_;
  ContainerRecords &records_;
  int status_fd_;
  UniqueFd listener_;
  UniqueFd pty_;
  LogWriter log_;
  network::UserNet net_;  // the container's network helper, if any
  network::PortForwarder ports_;  // its published ports' forwarder, if any
  std::vector<storage::PublishedPort> published_;  // what the current run bound, for its state
  // The container's mount and network namespaces, held so that the kernel
  // tears them down when we let go (for an --rm container, after
  // answering), not in the exit path of the container's init, before its
  // parent learns of the exit.
  std::vector<UniqueFd> held_ns_;
  std::vector<Client> clients_;
  static constexpr std::chrono::milliseconds kShedAfter{500};
  bool shed_ = false;  // sys::shed_inherited_pages done
  bool removing_ = false;  // finish() began the removal of an --rm container
  LineSplitter split_out_, split_err_;
};

} // namespace skiff::supervisor
