// A bridge network's kernel side: the Linux bridge with its gateway
// addresses, forwarding, and an nftables table of its own (masquerading
// out of the network, isolation from other networks), made on demand and
// removed with the network. The table is one per network so that removing
// it removes every rule the network had, whoever made them.
#pragma once

#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::network {

struct BridgeNetwork {
  std::string id;                     // the network's ID (names its nftables table)
  std::string bridge;                 // the interface, br-<id12>
  std::vector<std::string> subnets;   // "172.18.0.0/16", "fd00:1::/64"
  std::vector<std::string> gateways;  // the bridge's addresses, "172.18.0.1/16"
  bool internal = false;              // no traffic in or out of the network
  bool masquerade = true;
  int mtu = 1500;
  // The network's record (ROOT/networks/<id>.json), written into the
  // bridge's alias: a bridge whose record is gone (its store deleted, a
  // removal killed half way) is an orphan, swept by the next network
  // made.
  std::string record;
};

// The table's name: nftables identifiers take no '-'.
std::string nft_table_name(const BridgeNetwork &n);
// The nftables commands that (re)make the network's table in one
// transaction (pure).
std::string nft_ruleset(const BridgeNetwork &n);

// In the calling process's network namespace; idempotent, and safe to run
// from two processes at once.
Status ensure_bridge(const BridgeNetwork &n);
// The bridge and the table; what is gone already is not an error.
Status remove_bridge(const BridgeNetwork &n);

// Removes the bridges (and tables) whose record is gone; what cannot be
// removed (not root) is left.
void sweep_orphan_bridges();

// Runs nftables commands (libnftables, loaded with dlopen).
Status run_nft(const std::string &commands);

} // namespace skiff::network
