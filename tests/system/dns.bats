#!/usr/bin/env bats
# The DNS server of user-defined networks (docs/network-dns.md), on its
# own: started through `skiff __dns-ensure` (network::ensure_dns_server,
# the call that starts it when a container joins a network) in a network
# namespace each test makes, serving a names file the test writes, asked
# with dig. Root: the namespace is entered by the server (--netns), as for
# a rootful network's bridge. Rootless: skiff runs in a user namespace the
# test made and the server enters its network namespace, as it enters the
# user's network namespace. All traffic stays in that namespace; the
# "outside" resolver is a second server on its 127.0.0.1.

load helpers
bats_require_minimum_version 1.5.0

GW=10.213.0.1

setup() {
  command -v dig >/dev/null || skip "dig (dnsutils) is not installed"
  STATE=$BATS_TEST_TMPDIR/networks
  mkdir -p "$STATE"
  # The namespace's holder: a sleep in a new network namespace (and, for
  # a user, a user namespace where it is root).
  if rootless; then
    unshare --user --map-root-user --net sleep 600 &
  else
    unshare --net sleep 600 &
  fi
  HOLDER=$!
  wait_for test -e "/proc/$HOLDER/ns/net"
  wait_for in_ns_net true
  in_ns_net ip link set lo up
  in_ns_net ip addr add "$GW/32" dev lo
  in_ns_net ip addr add 10.213.0.2/32 dev lo
}

teardown() {
  local pid
  # The test's servers, by their names (unique to this test), also those
  # whose state directory is gone.
  for pid in $(pgrep -f "^skiff-dns [a-z0-9]+-$HOLDER\$"); do
    kill -9 "$pid"
  done
  kill "$HOLDER" 2>/dev/null || true
  wait "$HOLDER" 2>/dev/null || true
}

# Runs a command in the test's network namespace (rootless: in its user
# namespace too).
in_ns_net() {
  if rootless; then
    nsenter -U -n -t "$HOLDER" --preserve-credentials "$@"
  else
    nsenter -n -t "$HOLDER" "$@"
  fi
}

# ensure NET [FLAGS...]: ensure_dns_server for network NET (its state
# directory $STATE/NET, its name NET-$HOLDER: unique on the host while the
# root and rootless passes run at once) on $GW unless --listen is given;
# prints "PID started|running".
ensure() {
  local net=$1
  shift
  local listen=(--listen "$GW")
  [[ " $* " == *" --listen "* ]] && listen=()
  if rootless; then
    nsenter -U -t "$HOLDER" --preserve-credentials \
      "$SKIFF_BIN" __dns-ensure --name "$net-$HOLDER" "${listen[@]}" --netns "/proc/$HOLDER/ns/net" "$@" "$STATE/$net"
  else
    "$SKIFF_BIN" __dns-ensure --name "$net-$HOLDER" "${listen[@]}" --netns "/proc/$HOLDER/ns/net" "$@" "$STATE/$net"
  fi
}

# names NET LINES...: the network's names file, replaced as its writer
# does (a whole file renamed over it).
names() {
  local net=$1
  shift
  mkdir -p "$STATE/$net"
  printf '%s\n' "$@" >"$STATE/$net/names.tmp"
  mv "$STATE/$net/names.tmp" "$STATE/$net/names"
}

# ask NAME [DIG OPTIONS...]: dig's short answer from the server on $GW.
ask() {
  in_ns_net dig +short +time=3 +tries=1 @"$GW" "$@"
}

# status NAME [DIG OPTIONS...]: the reply's status (NOERROR, NXDOMAIN...).
status_of() {
  in_ns_net dig +time=3 +tries=1 @"$GW" "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# Whether process $1 is gone (or a zombie left to its reaper).
gone() {
  local state
  state=$(awk '{print $3}' /proc/"$1"/stat 2>/dev/null) || return 0
  [ -z "$state" ] || [ "$state" = Z ]
}

server_pid() { cut -d' ' -f1 <<<"$1"; }

# An upstream resolver for the forwarding tests: a second network's
# server on 127.0.0.1, internal (it answers NXDOMAIN for what it lacks).
start_upstream() {
  local big=() i
  for i in $(seq 1 60); do big+=("10.213.1.$i big.test"); done
  names up "10.213.0.77 outside.test" "${big[@]}"
  run ensure up --listen 127.0.0.1 --internal
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "dns: names, aliases and short IDs resolve, any case, over UDP and TCP; AAAA and PTR" {
  names net1 "10.213.0.3 web frontend 0123456789ab" "10.213.0.4 db" "fd00::4 db"
  run ensure net1
  [ "$status" -eq 0 ]
  [[ $output =~ ^[0-9]+\ started$ ]]
  pid=$(server_pid "$output")
  [ "$(cat "$STATE/net1/dns.pid")" = "$pid" ]
  [ "$(cat /proc/"$pid"/comm)" = skiff-dns ]
  [ "$(tr '\0' ' ' </proc/"$pid"/cmdline | sed 's/ *$//')" = "skiff-dns net1-$HOLDER" ]
  [ "$(ask web)" = 10.213.0.3 ]
  [ "$(ask FrontEnd)" = 10.213.0.3 ]
  [ "$(ask 0123456789ab)" = 10.213.0.3 ]
  [ "$(ask web. +tcp)" = 10.213.0.3 ]
  [ "$(ask db AAAA)" = fd00::4 ]
  # A name with IPv4 alone: AAAA is an empty NOERROR, as aardvark-dns answers.
  [ "$(status_of web AAAA)" = NOERROR ]
  [ -z "$(ask web AAAA)" ]
  [ "$(ask -x 10.213.0.3)" = web. ]
  [ "$(ask -x 10.213.0.4 +tcp)" = db. ]
  # Nothing of the forking command is left open in the server: stdio is
  # /dev/null, the rest its own sockets, lock, inotify and signalfd.
  [ "$(readlink /proc/"$pid"/fd/0)" = /dev/null ]
  [ "$(readlink /proc/"$pid"/fd/2)" = /dev/null ]
  left=$(ls -l /proc/"$pid"/fd/ | grep -- '->' | grep -v -e socket: -e /dev/null -e anon_inode: -e dns.lock) || true
  [ -z "$left" ] || { echo "inherited: $left"; return 1; }
}

@test "dns: a name written later resolves at once; one removed stops resolving" {
  start_upstream
  names net1 "10.213.0.3 web"
  run -0 ensure net1 --upstream 127.0.0.1
  [ "$(ask web)" = 10.213.0.3 ]
  [ "$(status_of late)" = NXDOMAIN ]
  names net1 "10.213.0.3 web" "10.213.0.5 late"
  wait_for test "$(ask late)" = 10.213.0.5
  [ "$(ask late)" = 10.213.0.5 ]
  names net1 "10.213.0.5 late"
  [ "$(status_of web)" = NXDOMAIN ]
  [ -z "$(ask web)" ]
  [ "$(ask late)" = 10.213.0.5 ]
}

@test "dns: the server exits once the names file empties, leaving its locks" {
  names net1 "10.213.0.3 web"
  run -0 ensure net1
  pid=$(server_pid "$output")
  names net1
  wait_for gone "$pid"
  gone "$pid"
  [ ! -e "$STATE/net1/dns.pid" ]
  [ -e "$STATE/net1/dns.lock" ]
  [ -e "$STATE/net1/names" ]
  # A container joining again: a new server.
  names net1 "10.213.0.3 web"
  run -0 ensure net1
  [[ $output == *" started" ]]
  [ "$(server_pid "$output")" != "$pid" ]
  [ "$(ask web)" = 10.213.0.3 ]
  # The names file removed altogether: the same.
  pid=$(server_pid "$output")
  rm "$STATE/net1/names"
  wait_for gone "$pid"
  gone "$pid"
  # The network's directory removed (network rm) while it serves.
  names net1 "10.213.0.3 web"
  run -0 ensure net1
  pid=$(server_pid "$output")
  rm -rf "$STATE/net1"
  wait_for gone "$pid"
  gone "$pid"
}

@test "dns: one server per network, however many start it at once" {
  names net1 "10.213.0.3 web"
  run -0 ensure net1
  first=$(server_pid "$output")
  run -0 ensure net1
  [ "$output" = "$first running" ]
  names net2 "10.213.0.9 other"
  pids=()
  for i in 1 2 3 4 5 6; do
    ensure net2 --listen 10.213.0.2 >"$BATS_TEST_TMPDIR/out.$i" &
    pids+=($!)
  done
  wait "${pids[@]}"
  cat "$BATS_TEST_TMPDIR"/out.*
  [ "$(grep -c started "$BATS_TEST_TMPDIR"/out.*  | awk -F: '{s += $2} END {print s}')" -eq 1 ]
  [ "$(cut -d' ' -f1 "$BATS_TEST_TMPDIR"/out.* | sort -u | wc -l)" -eq 1 ]
  [ "$(pgrep -xc -f "skiff-dns net2-$HOLDER")" -eq 1 ]
  [ "$(in_ns_net dig +short @10.213.0.2 other)" = 10.213.0.9 ]
  [ "$(ask web)" = 10.213.0.3 ]
}

@test "dns: after kill -9 of the server the next ensure starts another" {
  names net1 "10.213.0.3 web"
  run -0 ensure net1
  pid=$(server_pid "$output")
  kill -9 "$pid"
  wait_for gone "$pid"
  run -0 ensure net1
  [[ $output == *" started" ]]
  [ "$(server_pid "$output")" != "$pid" ]
  [ "$(cat "$STATE/net1/dns.pid")" = "$(server_pid "$output")" ]
  [ "$(ask web)" = 10.213.0.3 ]
}

@test "dns: other names go upstream: the first that answers, TCP when truncated, SERVFAIL when none" {
  start_upstream
  names net1 "10.213.0.3 web"
  # 127.0.0.2 has no server: refused, the next one answers.
  run -0 ensure net1 --upstream 127.0.0.2 --upstream 127.0.0.1
  [ "$(ask outside.test)" = 10.213.0.77 ]
  [ "$(ask outside.test +tcp)" = 10.213.0.77 ]
  [ "$(status_of missing.test)" = NXDOMAIN ]
  # 60 addresses do not fit the upstream's 512-byte UDP reply to a query
  # without EDNS: fetched again over TCP, passed whole to a TCP client ...
  [ "$(ask big.test +tcp +noedns | wc -l)" -eq 60 ]
  # ... and cut for a UDP client, which asks again over TCP.
  run -0 in_ns_net dig +time=3 +tries=1 +noedns @"$GW" big.test
  [[ $output == *"Truncated, retrying in TCP mode"* ]]
  [ "$(grep -c 'IN	A	10.213.1.' <<<"$output")" -eq 60 ]
  # No upstream answers.
  names net2 "10.213.0.9 other"
  run -0 ensure net2 --listen 10.213.0.2 --upstream 127.0.0.2
  [ "$(in_ns_net dig +time=3 +tries=1 @10.213.0.2 outside.test | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')" = SERVFAIL ]
}

@test "dns: an internal network forwards nothing: NXDOMAIN for other names" {
  start_upstream
  names net1 "10.213.0.3 web"
  run -0 ensure net1 --upstream 127.0.0.1 --internal
  [ "$(status_of outside.test)" = NXDOMAIN ]
  [ "$(ask web)" = 10.213.0.3 ]
}

@test "dns: a name asked with a search domain resolves as the table's" {
  names net1 "10.213.0.3 web"
  run -0 ensure net1 --search corp.example
  [ "$(ask web.corp.example)" = 10.213.0.3 ]
  [ "$(ask WEB.Corp.Example.)" = 10.213.0.3 ]
}

@test "dns: malformed packets neither crash nor stop the server" {
  names net1 "10.213.0.3 web"
  run -0 ensure net1
  pid=$(server_pid "$output")
  # A short header, a compression pointer to itself, a label past the
  # end, a response; over UDP and TCP.
  in_ns_net bash -c "
    printf '\x12\x34' >/dev/udp/$GW/53
    printf '\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01' >/dev/udp/$GW/53
    printf '\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x3f\x61' >/dev/udp/$GW/53
    printf '\x12\x34\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01' >/dev/udp/$GW/53
    printf '\x00\x12\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01' >/dev/tcp/$GW/53
    printf '\xff\xff\x00' >/dev/tcp/$GW/53
  "
  [ "$(ask web)" = 10.213.0.3 ]
  [ "$(ask web +tcp)" = 10.213.0.3 ]
  ! gone "$pid"
}

@test "dns: a server that cannot bind is an error, and nothing is left running" {
  names net1 "10.213.0.3 web"
  run ensure net1 --listen 10.213.0.99
  assert_error 1 "starting the DNS server of network net1-$HOLDER: binding UDP 10.213.0.99:53: Cannot assign requested address"
  [ ! -e "$STATE/net1/dns.pid" ]
  [ "$(pgrep -xc -f "skiff-dns net1-$HOLDER")" -eq 0 ]
  run ensure net1 --listen nowhere
  assert_error 1 'listen address "nowhere" is not an IP address'
  run ensure net1 --upstream 8.8.8.8.8
  assert_error 1 'upstream nameserver "8.8.8.8.8" is not an IP address'
}
