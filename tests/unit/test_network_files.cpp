// The container's resolv.conf: the host's, its loopback servers replaced
// by the forwarder, and --dns, --dns-search, --dns-option over its lines.
#include <catch2/catch.hpp>

#include "skiff/network/files.hpp"

using namespace skiff;

TEST_CASE("resolv.conf: the host's, loopback servers forwarded, DNS flags over it", "[network]") {
  std::string host = "# comment\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch a.example\n"
                     "domain d.example\noptions edns0\n";
  CHECK(network::resolv_conf(host, "10.0.2.3") ==
        "# comment\nnameserver 10.0.2.3\nnameserver 192.0.2.1\nsearch a.example\ndomain d.example\noptions edns0\n");
  CHECK(network::resolv_conf(host, "", {{"10.9.9.9"}, {}, {}}) ==
        "# comment\nsearch a.example\ndomain d.example\noptions edns0\nnameserver 10.9.9.9\n");
  CHECK(network::resolv_conf(host, "10.0.2.3", {{}, {"x.example", "y.example"}, {"ndots:2"}}) ==
        "# comment\nnameserver 10.0.2.3\nnameserver 192.0.2.1\nsearch x.example y.example\noptions ndots:2\n");
  // "." clears the search the host has.
  CHECK(network::resolv_conf(host, "10.0.2.3", {{}, {"."}, {}}) ==
        "# comment\nnameserver 10.0.2.3\nnameserver 192.0.2.1\noptions edns0\n");
}
