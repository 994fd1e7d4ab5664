#!/usr/bin/env bats
# Containers on bridge networks: the default `bridge` network (root) and
# user-defined ones (rootless in the store's own network namespace), names
# served by the network's DNS server, --network modes, and nothing left
# behind. Packets go only to containers on the
# networks these tests make, and to the Debian mirror.

load helpers

setup() {
  load_busybox
}

# The container's address on a network (inspect's, Docker's field).
ip_on() {
  skiff inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
}

@test "bridge: rootless networks live in the store's own network namespace, kept by skiff-netns" {
  rootless || skip "rootless only"
  skiff network create front
  br=br-$(skiff network inspect -f '{{.Id}}' front | cut -c1-12)
  skiff run -d --name a --network front busybox sleep 300
  run skiff run --rm --network front busybox ping -c1 -W2 a
  [ "$status" -eq 0 ]
  # Not on the host: in the holder's namespace.
  run ip link show "$br"
  [ "$status" -ne 0 ]
  holder=$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/run/netns/netns.pid")
  [ "$(cat /proc/$holder/comm)" = skiff-netns ]
  [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ]
  # The default network stays a user-mode one of the container's own.
  run skiff run --rm busybox ip -o -4 addr show tap0
  [[ "$output" == *"10.0.2.100/24"* ]]
}

@test "bridge: containers on a user-defined network reach each other by name, alias and short ID" {
  skiff network create front
  skiff run -d --name web --network front --network-alias www busybox \
    sh -c 'mkdir /w && echo hello-from-web > /w/index.html && httpd -p 80 -h /w && nc -l -p 7000 -e echo nc-answer; sleep 300'
  id=$(skiff inspect -f '{{.Id}}' web)
  short=${id:0:12}
  web_ip=$(ip_on web front)
  [[ "$web_ip" == *.*.*.* ]]
  run skiff run --rm --network front busybox sh -c "
    ping -c1 -W2 web >/dev/null && echo ping-ok
    wget -q -O- http://www/ && wget -q -O- http://$short/
    nslookup web | grep -A1 'Name:' | tail -1
    ping -c1 -W2 www | head -1
    nc web 7000 </dev/null"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = ping-ok ]
  [ "${lines[1]}" = hello-from-web ]
  [ "${lines[2]}" = hello-from-web ]
  [ "${lines[3]}" = "Address: $web_ip" ]
  [ "${lines[4]}" = "PING www ($web_ip): 56 data bytes" ]
  [ "${lines[5]}" = nc-answer ]
  # resolv.conf points at the network's DNS server, on its gateway.
  gw=$(skiff network inspect -f '{{(index .IPAM.Config 0).Gateway}}' front)
  run skiff exec web cat /etc/resolv.conf
  [[ "$output" == *"nameserver $gw"* ]]
}

@test "bridge: a container started later resolves and is resolved; one that leaves stops resolving" {
  skiff network create back
  skiff run -d --name first --network back busybox sleep 300
  skiff run -d --name second --network back busybox sleep 300
  run skiff exec first nslookup second
  [ "$status" -eq 0 ]
  [[ "$output" == *"Address: $(ip_on second back)"* ]]
  run skiff exec second ping -c1 -W2 first
  [ "$status" -eq 0 ]
  second_ip=$(ip_on second back)
  skiff rm -f second
  run skiff exec first nslookup second
  [ "$status" -ne 0 ]
  [[ "$output" != *"$second_ip"* ]]
}

@test "bridge: on the default network containers reach each other by address, not by name" {
  rootless && skip "rootless, the default network is a user-mode one per container"
  skiff run -d --name a busybox sleep 300
  a_ip=$(skiff inspect -f '{{.NetworkSettings.IPAddress}}' a)
  [[ "$a_ip" == *.*.*.* ]]
  [ "$(skiff inspect -f '{{.HostConfig.NetworkMode}}' a)" = bridge ]
  run skiff run --rm busybox sh -c "ping -c1 -W2 $a_ip >/dev/null && echo by-ip; ping -c1 -W1 a 2>&1"
  [ "${lines[0]}" = by-ip ]
  [[ "${lines[1]}" == *"bad address 'a'"* ]]
  # The host's name servers, not a DNS server of skiff's.
  run skiff exec a cat /etc/resolv.conf
  [ "$output" = "$(grep -v '^#' /etc/resolv.conf | grep -v '^$' | grep -v 'nameserver 127\.')" ] || echo "$output"
}

@test "bridge: inspect shows the endpoint; --ip and --mac-address are kept; --link writes hosts" {
  skiff network create --subnet 10.213.7.0/24 fixed
  net_id=$(skiff network inspect -f '{{.Id}}' fixed)
  skiff run -d --name pinned --network fixed --ip 10.213.7.50 --mac-address 02:42:0a:d5:07:99 --network-alias p1 busybox sleep 300
  run skiff inspect -f '{{json .NetworkSettings.Networks.fixed}}' pinned
  echo "$output" | jq -e --arg id "$net_id" '.IPAddress == "10.213.7.50" and .Gateway == "10.213.7.1" and .IPPrefixLen == 24
    and .MacAddress == "02:42:0a:d5:07:99" and .NetworkID == $id and .Aliases == ["p1"] and (.EndpointID | length) == 64'
  [ "$(skiff inspect -f '{{.HostConfig.NetworkMode}}' pinned)" = fixed ]
  run skiff exec pinned ip -o link show eth0
  [[ "$output" == *"link/ether 02:42:0a:d5:07:99"* ]]
  # The address is taken while it runs.
  run skiff run --rm --network fixed --ip 10.213.7.50 busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"Address already in use"* ]]
  run skiff run --rm --network fixed --link pinned:database busybox sh -c 'grep database /etc/hosts; ping -c1 -W2 database >/dev/null && echo linked'
  [[ "${lines[0]}" == "10.213.7.50"*database ]]
  [ "${lines[1]}" = linked ]
  skiff stop -t 0 pinned
  run skiff run --rm --network fixed --link pinned busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"Cannot link to a non running container: "* ]]
}

@test "bridge: two networks give eth0 and eth1, and a network in use is not removed" {
  skiff network create n1
  skiff network create n2
  skiff run -d --name multi --network n1 --network n2 busybox sleep 300
  run skiff exec multi sh -c 'ip -o -4 addr show eth0; ip -o -4 addr show eth1; ip route | grep default'
  [[ "${lines[0]}" == *"$(ip_on multi n1)/"* ]]
  [[ "${lines[1]}" == *"$(ip_on multi n2)/"* ]]
  [[ "${lines[2]}" == "default via "*" dev eth0"* ]]
  run skiff network rm n2
  [ "$status" -ne 0 ]
  [[ "$output" == *"network n2 has active endpoints (name:\"multi\""* ]]
  skiff rm -f multi
  skiff network rm n1 n2
  run skiff network ls -q --filter name=n1
  [ -z "$output" ]
}

@test "bridge: none, host and container: modes" {
  run skiff run --rm --network none busybox ip -o link
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"lo:"* ]]
  if ! rootless; then
    run skiff run --rm --network host busybox cat /proc/net/dev
    [[ "$output" == *"$(ip -o link | awk -F': ' 'NR==2{print $2}' | cut -d@ -f1)"* ]]
  fi
  skiff run -d --name owner --hostname ownerhost busybox sleep 300
  skiff run -d --name joiner --network container:owner busybox sleep 300
  [ "$(skiff exec owner ip -o addr)" = "$(skiff exec joiner ip -o addr)" ]
  [ "$(skiff exec joiner hostname)" = ownerhost ]
  owner_id=$(skiff inspect -f '{{.Id}}' owner)
  [ "$(skiff inspect -f '{{.HostConfig.NetworkMode}}' joiner)" = "container:$owner_id" ]
  skiff stop -t 0 owner
  run skiff start joiner
  [ "$status" -ne 0 ] || skip
  run skiff run --rm --network container:nosuch busybox true
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: No such container: nosuch" ]
}

@test "bridge: mixing a mode with networks, and unknown networks, are refused" {
  run skiff run --rm --network host --network front busybox true
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: conflicting options: cannot attach both user-defined and non-user-defined network-modes" ]
  run skiff run --rm --network nosuch busybox true
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: network nosuch not found" ]
  run skiff run --rm --network-alias x busybox true
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: network-scoped alias is supported only for containers in user defined networks" ]
  [ -z "$(skiff ps -aq)" ]
}

@test "bridge: the outside is reached through the bridge (the Debian mirror)" {
  grep -qs deb.debian.org /etc/apt/sources.list /etc/apt/sources.list.d/* || skip "no Debian mirror configured"
  skiff network create out
  run skiff run --rm --network out busybox wget -q -O- http://deb.debian.org/debian/dists/bookworm/Release
  [ "$status" -eq 0 ] || skip "the Debian mirror does not answer here"
  [[ "${lines[0]}" == "Origin: Debian" ]]
}

@test "bridge: nothing is left after rm -f or a kill -9 of the supervisor" {
  rootless && skip "the veths are in skiff-netns's namespace"
  skiff network create gone
  net_id=$(skiff network inspect -f '{{.Id}}' gone)
  skiff run -d --name c1 --network gone busybox sleep 300
  id=$(skiff inspect -f '{{.Id}}' c1)
  veth=veth${id:0:6}${net_id:0:5}
  ip link show "$veth" >/dev/null
  pgrep -f "skiff-dns gone" >/dev/null
  skiff rm -f c1
  for _ in $(seq 50); do ip link show "$veth" >/dev/null 2>&1 || break; sleep 0.1; done
  run ip link show "$veth"
  [ "$status" -ne 0 ]
  [ "$(jq length "$BATS_TEST_TMPDIR/run/networks/$net_id/leases.json")" = 0 ]
  for _ in $(seq 50); do pgrep -f "skiff-dns gone" >/dev/null || break; sleep 0.1; done
  run pgrep -f "skiff-dns gone"
  [ "$status" -ne 0 ]

  skiff run -d --name c2 --network gone busybox sleep 300
  id=$(skiff inspect -f '{{.Id}}' c2)
  sup=$(skiff inspect -f '{{.State.Pid}}' c2 | xargs -I{} ps -o ppid= -p {} | tr -d ' ')
  kill -9 "$sup"
  veth=veth${id:0:6}${net_id:0:5}
  for _ in $(seq 50); do ip link show "$veth" >/dev/null 2>&1 || break; sleep 0.1; done
  run ip link show "$veth"
  [ "$status" -ne 0 ]
  # The next start repairs the lease a killed supervisor left.
  skiff run --rm --network gone --name c3 busybox true
  run jq -r '.[].name' "$BATS_TEST_TMPDIR/run/networks/$net_id/leases.json"
  [ -z "$output" ]
}

@test "bridge: network connect and disconnect take effect on a running container" {
  skiff network create n1
  skiff network create n2
  skiff run -d --name a --network n1 busybox sleep 300
  skiff run -d --name b --network n2 busybox sleep 300
  run skiff exec b ping -c1 -W1 a
  [ "$status" -ne 0 ]
  skiff network connect --alias aa n2 a
  run skiff exec a ip -o -4 addr show eth1
  [[ "$output" == *"$(ip_on a n2)/"* ]]
  run skiff exec b ping -c1 -W2 aa
  [ "$status" -eq 0 ]
  [ "$(skiff inspect -f '{{json (index .NetworkSettings.Networks "n2").Aliases}}' a)" = '["aa"]' ]
  run skiff network connect n2 a
  [ "$status" -ne 0 ]
  [ "$output" = "skiff: endpoint with name a already exists in network n2" ]
  skiff network disconnect n2 a
  run skiff exec a ip -o -4 addr show eth1
  [ "$status" -ne 0 ]
  run skiff exec b ping -c1 -W1 aa
  [ "$status" -ne 0 ]
  [ "$(skiff inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' a)" = "n1 " ]
  run skiff network disconnect n2 a
  [ "$status" -ne 0 ]
  [ "$output" = "skiff: container $(skiff inspect -f '{{.Id}}' a) is not connected to network n2" ]
  # A stopped container joins at its next start (names resolve on its
  # first network, whose DNS server its resolv.conf names).
  skiff stop -t 0 b
  skiff network connect n1 b
  skiff start b
  run skiff exec b ping -c1 -W2 "$(ip_on a n1)"
  [ "$status" -eq 0 ]
  run skiff network connect host a
  [ "$output" = "skiff: container cannot be disconnected from host network or connected to host network" ]
}

@test "bridge: completion offers networks, modes and container: names, then containers for connect" {
  skiff network create compnet
  skiff create --name compc busybox true
  run skiff __complete run --network ""
  [[ "$output" == *compnet* ]]
  [[ "$output" == *"container:compc"* ]]
  [[ "$output" == *host* ]]
  run skiff __complete network connect ""
  [[ "$output" == *compnet* ]]
  [[ "$output" != *compc* ]]
  run skiff __complete network connect compnet ""
  [[ "$output" == *compc* ]]
  [[ "$output" != *compnet* ]]
}

@test "bridge: --add-host NAME:host-gateway is the host as the container reaches it" {
  run skiff run --rm --add-host gw:host-gateway busybox sh -c 'grep -w gw /etc/hosts; ip route | grep default'
  [ "$status" -eq 0 ]
  gw=$(echo "${lines[1]}" | awk '{print $3}')
  [ "${lines[0]}" = "$gw	gw" ]
  if rootless; then [ "$gw" = 10.0.2.2 ]; fi
  run skiff run --rm --network host --add-host gw:host-gateway busybox grep -w gw /etc/hosts
  [ "$output" = "127.0.0.1	gw" ]
}

@test "bridge: a restart-policy restart keeps the container's address, leased all along" {
  skiff network create rn
  net_id=$(skiff network inspect -f '{{.Id}}' rn)
  skiff run -d --name flappy --network rn --restart always busybox sh -c 'ip -o -4 addr show eth0 >>/tmp/seen; sleep 0.3; exit 3'
  first=$(ip_on flappy rn)
  [ -n "$first" ]
  for _ in $(seq 50); do [ "$(skiff inspect -f '{{.RestartCount}}' flappy)" -ge 2 ] && break; sleep 0.2; done
  [ "$(skiff inspect -f '{{.RestartCount}}' flappy)" -ge 2 ]
  # Between its runs the lease stays: a container started now gets another address.
  skiff run -d --name other --network rn busybox sleep 300
  [ "$(ip_on other rn)" != "$first" ]
  run jq -r --arg id "$(skiff inspect -f '{{.Id}}' flappy)" '.[] | select(.container_id == $id) | .ip' \
    "$BATS_TEST_TMPDIR/run/networks/$net_id/leases.json"
  [ "$output" = "$first" ]
  skiff stop -t 0 flappy
  run jq -r --arg id "$(skiff inspect -f '{{.Id}}' flappy)" '.[] | select(.container_id == $id) | .ip' \
    "$BATS_TEST_TMPDIR/run/networks/$net_id/leases.json"
  [ -z "$output" ]
}
