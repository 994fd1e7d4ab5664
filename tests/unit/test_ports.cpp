// -p/--publish and --expose as docker/cli 28 parses them (go-connections'
// nat.ParsePortSpec and its tests' cases), the host ports a launch binds
// (engine::plan_ports), and how ps, inspect and `port` show them.
#include <catch2/catch.hpp>

#include "launch_inputs.hpp"
#include "skiff/cli/port_views.hpp"
#include "skiff/engine/launch_plan.hpp"
#include "skiff/spec/ports.hpp"

using namespace skiff;
using storage::PortBinding;
using Bindings = std::vector<PortBinding>;
using Strings = std::vector<std::string>;

namespace {

Bindings parse(const std::string &s) {
  auto r = spec::parse_publish(s);
  if (!r)
    FAIL(s << ": " << r.error().message);
  return *r;
}

std::string parse_error(const std::string &s) {
  auto r = spec::parse_publish(s);
  REQUIRE_FALSE(r);
  CHECK(r.error().exit_code == 125);
  return r.error().message;
}

} // namespace

TEST_CASE("publish: nat.ParsePortSpec's forms", "[ports]") {
  CHECK(parse("80") == Bindings{{"80/tcp", "", ""}});
  CHECK(parse("8080:80") == Bindings{{"80/tcp", "", "8080"}});
  CHECK(parse("127.0.0.1:8080:80") == Bindings{{"80/tcp", "127.0.0.1", "8080"}});
  CHECK(parse("127.0.0.1::80") == Bindings{{"80/tcp", "127.0.0.1", ""}});
  CHECK(parse("[::1]:8080:80") == Bindings{{"80/tcp", "::1", "8080"}});
  CHECK(parse("::1:8080:80") == Bindings{{"80/tcp", "::1", "8080"}});
  CHECK(parse("[2001:db8::1]::53/udp") == Bindings{{"53/udp", "2001:db8::1", ""}});
  CHECK(parse("53/UDP") == Bindings{{"53/udp", "", ""}});
  CHECK(parse("1234/sctp") == Bindings{{"1234/sctp", "", ""}});
  CHECK(parse("8000-8002:8000-8002") ==
        Bindings{{"8000/tcp", "", "8000"}, {"8001/tcp", "", "8001"}, {"8002/tcp", "", "8002"}});
  CHECK(parse("9000-9001:80-81/udp") == Bindings{{"80/udp", "", "9000"}, {"81/udp", "", "9001"}});
  CHECK(parse("80-81") == Bindings{{"80/tcp", "", ""}, {"81/tcp", "", ""}});
  // A host range beside one container port: where a free port is picked.
  CHECK(parse("8000-8010:80") == Bindings{{"80/tcp", "", "8000-8010"}});
  CHECK(parse("0.0.0.0:8000-8010:80") == Bindings{{"80/tcp", "0.0.0.0", "8000-8010"}});
  // A range of one, and Go's Split of a second dash.
  CHECK(parse("80-80") == Bindings{{"80/tcp", "", ""}});
  CHECK(parse("80-81-99") == Bindings{{"80/tcp", "", ""}, {"81/tcp", "", ""}});
  // docker/cli's long form.
  CHECK(parse("target=80,published=8080") == Bindings{{"80/tcp", "", "8080"}});
  CHECK(parse("published=5353,target=53,protocol=udp") == Bindings{{"53/udp", "", "5353"}});
}

TEST_CASE("publish: docker/cli's words for bad specs", "[ports]") {
  CHECK(parse_error("") == "no port specified: <empty>");
  CHECK(parse_error("8080:") == "no port specified: 8080:<empty>");
  CHECK(parse_error("abc") == "invalid containerPort: abc");
  CHECK(parse_error("8080:abc") == "invalid containerPort: abc");
  CHECK(parse_error("70000") == "invalid containerPort: 70000");
  CHECK(parse_error("abc:80") == "invalid hostPort: abc");
  CHECK(parse_error("1.2.3:80:80") == "invalid IP address: 1.2.3");
  CHECK(parse_error("localhost:80:80") == "invalid IP address: localhost");
  CHECK(parse_error("[::1:80:80") == "invalid IP address [::1: address [::1:: missing ']' in address");
  CHECK(parse_error("8000-8010:80-81") == "invalid ranges specified for container and host Ports: 80-81 and 8000-8010");
  CHECK(parse_error("90-80") == "invalid containerPort: 90-80");
  CHECK(parse_error("80/xyz") == "invalid proto: xyz");
  CHECK(parse_error("80/XYZ") == "invalid proto: XYZ");
  CHECK(parse_error("target=80,bad") == "invalid publish opts format (should be name=value but got 'bad')");
}

TEST_CASE("expose: ports and ranges, docker/cli's words", "[ports]") {
  CHECK(*spec::parse_expose("80") == Strings{"80/tcp"});
  CHECK(*spec::parse_expose("53/udp") == Strings{"53/udp"});
  CHECK(*spec::parse_expose("7000-7002") == Strings{"7000/tcp", "7001/tcp", "7002/tcp"});
  CHECK(spec::parse_expose("1:2").error().message == "invalid port format for --expose: 1:2");
  CHECK(spec::parse_expose("5-3").error().message ==
        "invalid range format for --expose: 5-3, error: invalid range specified for port: 5-3");
  CHECK(spec::parse_expose("x").error().message ==
        "invalid range format for --expose: x, error: strconv.ParseUint: parsing \"x\": invalid syntax");
  CHECK(spec::parse_expose("70000").error().message ==
        "invalid range format for --expose: 70000, error: strconv.ParseUint: parsing \"70000\": value out of range");
}

TEST_CASE("exposed ports: each once, by number then protocol", "[ports]") {
  CHECK(spec::merge_exposed({"8080/tcp", "80/udp", "80/tcp", "8080/tcp", "443/tcp"}) ==
        Strings{"80/tcp", "80/udp", "443/tcp", "8080/tcp"});
}

TEST_CASE("plan_ports: -p in order, -P for the rest, nothing for host or none", "[ports][launch_plan]") {
  auto in = test::inputs();
  auto &c = in.config;
  c.exposed_ports = {"53/udp", "80/tcp", "443/tcp", "9000/sctp"};
  c.port_bindings = {{"80/tcp", "", "8080"}, {"80/tcp", "::1", ""}, {"53/udp", "127.0.0.1", "5300-5310"}};
  using network::PortRequest;
  std::vector<PortRequest> want = {{"80/tcp", "tcp", 80, "", 8080, 0},
                                   {"80/tcp", "tcp", 80, "::1", 0, 0},
                                   {"53/udp", "udp", 53, "127.0.0.1", 5300, 5310}};
  CHECK(engine::plan_ports(c) == want);
  auto plan = engine::plan_launch(in);
  REQUIRE(plan);
  CHECK(plan->network.ports == want);
  c.publish_all = true;  // every exposed TCP or UDP port not bound already
  want.push_back({"443/tcp", "tcp", 443, "", 0, 0});
  CHECK(engine::plan_ports(c) == want);
  c.network = "host";
  CHECK(engine::plan_ports(c).empty());
  c.network = "none";
  CHECK(engine::plan_ports(c).empty());
  c.network = "pasta";
  CHECK(engine::plan_ports(c).size() == 4);
}

namespace {

struct Ctr {
  storage::ContainerConfig c;
  storage::ContainerState s;
};

Ctr web() {
  Ctr w;
  w.c.network = "default";
  w.c.exposed_ports = {"80/tcp", "81/tcp", "90/udp", "91/udp", "7000/tcp", "7001/tcp"};
  w.c.port_bindings = {{"80/tcp", "", "18080"}, {"81/tcp", "127.0.0.1", ""}, {"90/udp", "", "18090"},
                       {"91/udp", "", "18091"}};
  w.s.ports = {{"80/tcp", "0.0.0.0", 18080}, {"80/tcp", "::", 18080},     {"81/tcp", "127.0.0.1", 32768},
               {"90/udp", "0.0.0.0", 18090}, {"90/udp", "::", 18090},     {"91/udp", "0.0.0.0", 18091},
               {"91/udp", "::", 18091}};
  return w;
}

} // namespace

TEST_CASE("ps PORTS: docker/cli's DisplayablePorts", "[ports]") {
  auto w = web();
  // As docker/cli 28 shows the reference Docker's container with the same ports.
  CHECK(cli::ps_ports(w.c, w.s, true) ==
        "7000-7001/tcp, 0.0.0.0:18080->80/tcp, [::]:18080->80/tcp, 127.0.0.1:32768->81/tcp, "
        "0.0.0.0:18090->90/udp, [::]:18090->90/udp, 0.0.0.0:18091->91/udp, [::]:18091->91/udp");
  CHECK(cli::ps_ports(w.c, w.s, false).empty());
  // Ports published on their own numbers collapse into ranges.
  Ctr r;
  r.c.network = "default";
  r.c.exposed_ports = {"8000/tcp", "8001/tcp", "8002/tcp"};
  r.s.ports = {{"8000/tcp", "0.0.0.0", 8000}, {"8001/tcp", "0.0.0.0", 8001}, {"8002/tcp", "0.0.0.0", 8002}};
  CHECK(cli::ps_ports(r.c, r.s, true) == "0.0.0.0:8000-8002->8000-8002/tcp");
  r.c.network = "host";
  CHECK(cli::ps_ports(r.c, r.s, true).empty());
}

TEST_CASE("inspect: PortBindings as given, Ports while running", "[ports]") {
  auto w = web();
  auto pb = cli::port_bindings_json(w.c);
  CHECK(pb.dump() == R"({"80/tcp":[{"HostIp":"","HostPort":"18080"}],"81/tcp":[{"HostIp":"127.0.0.1","HostPort":""}],)"
                     R"("90/udp":[{"HostIp":"","HostPort":"18090"}],"91/udp":[{"HostIp":"","HostPort":"18091"}]})");
  auto ports = cli::network_ports_json(w.c, w.s, true);
  CHECK(ports["7000/tcp"].is_null());
  CHECK(ports["80/tcp"].dump() == R"([{"HostIp":"0.0.0.0","HostPort":"18080"},{"HostIp":"::","HostPort":"18080"}])");
  CHECK(cli::network_ports_json(w.c, w.s, false).dump() == "{}");
}

TEST_CASE("port: docker/cli's lines, natural order, its error", "[ports]") {
  auto w = web();
  auto all = cli::port_lines(w.c, w.s, true, "", "web");
  REQUIRE(all);
  CHECK(*all == Strings{"80/tcp -> 0.0.0.0:18080", "80/tcp -> [::]:18080", "81/tcp -> 127.0.0.1:32768",
                        "90/udp -> 0.0.0.0:18090", "90/udp -> [::]:18090", "91/udp -> 0.0.0.0:18091",
                        "91/udp -> [::]:18091"});
  CHECK(*cli::port_lines(w.c, w.s, true, "80", "web") == Strings{"0.0.0.0:18080", "[::]:18080"});
  CHECK(*cli::port_lines(w.c, w.s, true, "90/udp", "web") == Strings{"0.0.0.0:18090", "[::]:18090"});
  CHECK(cli::port_lines(w.c, w.s, true, "7000", "web").error().message == "No public port '7000' published for web");
  CHECK(cli::port_lines(w.c, w.s, true, "80/udp", "web").error().message ==
        "No public port '80/udp' published for web");
  CHECK(cli::port_lines(w.c, w.s, false, "", "web")->empty());
  CHECK(cli::port_lines(w.c, w.s, true, "abc", "web").error().message ==
        "invalid port (abc): strconv.ParseUint: parsing \"abc\": invalid syntax");
  CHECK(cli::port_lines(w.c, w.s, true, "80-81", "web").error().message ==
        "invalid port (80-81): strconv.ParseUint: parsing \"80-81\": invalid syntax");
  CHECK(cli::natural_less("9/tcp", "10/tcp"));
  CHECK_FALSE(cli::natural_less("10/tcp", "9/tcp"));
}
