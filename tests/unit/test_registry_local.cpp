// Registries insecure by default, as Docker's daemon tells them: those on
// this machine (127.0.0.0/8, ::1).
#include <catch2/catch.hpp>

#include "skiff/registry/local.hpp"

using namespace skiff::registry;

TEST_CASE("domain_host: the host of host:port and [v6]:port", "[registry_local]") {
  CHECK(domain_host("localhost:5000") == "localhost");
  CHECK(domain_host("127.0.0.1") == "127.0.0.1");
  CHECK(domain_host("[::1]:5000") == "::1");
  CHECK(domain_host("[::1]") == "::1");
  CHECK(domain_host("::1") == "::1");
  CHECK(domain_host("registry.example.com:443") == "registry.example.com");
}

TEST_CASE("is_loopback_address: 127.0.0.0/8 and ::1", "[registry_local]") {
  CHECK(is_loopback_address("127.0.0.1"));
  CHECK(is_loopback_address("127.255.3.4"));
  CHECK(is_loopback_address("::1"));
  CHECK(is_loopback_address("::ffff:127.0.0.2"));
  CHECK_FALSE(is_loopback_address("128.0.0.1"));
  CHECK_FALSE(is_loopback_address("10.0.0.1"));
  CHECK_FALSE(is_loopback_address("::2"));
  CHECK_FALSE(is_loopback_address("::ffff:10.0.0.1"));
  CHECK_FALSE(is_loopback_address("localhost"));
  CHECK_FALSE(is_loopback_address(""));
}

TEST_CASE("insecure_by_default: a loopback literal, or a name resolving to one", "[registry_local]") {
  CHECK(insecure_by_default("127.0.0.1:5000", {}));
  CHECK(insecure_by_default("[::1]:5000", {}));
  CHECK(insecure_by_default("localhost:5000", {"::1", "127.0.0.1"}));
  CHECK(insecure_by_default("myreg:5000", {"10.1.1.1", "127.0.1.1"}));
  CHECK_FALSE(insecure_by_default("localhost:5000", {}));  // did not resolve
  CHECK_FALSE(insecure_by_default("quay.io", {"34.1.2.3"}));
  CHECK_FALSE(insecure_by_default("10.0.0.5:5000", {}));
  CHECK_FALSE(insecure_by_default("docker.io", {"127.0.0.1"}));
}
