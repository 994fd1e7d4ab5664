#!/usr/bin/env bats
# Networks as objects: create (subnets, gateways, ranges, options, labels),
# ls (table, -q, --filter, --format, --no-trunc), inspect, rm, prune and
# exists, the built-in bridge, host and none, and who is on a network as
# its leases say (RUNROOT/networks/<id>/leases.json).

load helpers

net_id() { skiff network inspect --format '{{.Id}}' "$1"; }

# Ends a lease's holder (not our child once $(...) returned) and waits until it is gone.
end_holder() {
  kill -9 "$1"
  wait_for eval "! kill -0 $1"
}

# Writes a lease on network $1 for container name $2 at address $3, held
# by a live process (a sleep this test starts, its output elsewhere so that
# $(...) does not wait for it), as a starting container's command holds
# it; prints the sleep's pid.
hold_lease() {
  local id dir pid start
  id=$(net_id "$1")
  dir=$BATS_TEST_TMPDIR/run/networks/$id
  mkdir -p "$dir"
  sleep 300 >/dev/null 2>&1 &
  pid=$!
  start=$(awk '{print $22}' /proc/$pid/stat)
  printf '[{"container_id":"%s","name":"%s","aliases":["al-%s"],"ip":"%s","ip6":"","mac":"02:42:00:00:00:01","endpoint_id":"%s","holder_pid":%d,"holder_start":%d}]' \
    "$(printf %064d 7)" "$2" "$2" "$3" "$(printf 'e%063d' 1)" "$pid" "$start" >"$dir/leases.json"
  echo "$pid"
}

@test "network ls: the built-ins bridge, host and none, as Docker lists them" {
  run skiff network ls
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "NETWORK ID     NAME      DRIVER    SCOPE" ]
  [[ "${lines[1]}" =~ ^[0-9a-f]{12}\ \ \ bridge\ \ \ \ bridge\ \ \ \ local$ ]]
  [[ "${lines[2]}" =~ ^[0-9a-f]{12}\ \ \ host\ \ \ \ \ \ host\ \ \ \ \ \ local$ ]]
  [[ "${lines[3]}" =~ ^[0-9a-f]{12}\ \ \ none\ \ \ \ \ \ null\ \ \ \ \ \ local$ ]]
  [ "${#lines[@]}" -eq 4 ]
  # Records made once: the same IDs on the next look.
  first=$(skiff network ls -q --no-trunc)
  [ "$(skiff network ls -q --no-trunc)" = "$first" ]
  [ "$(ls "$BATS_TEST_TMPDIR/root/networks" | wc -l)" -eq 3 ]
}

@test "network inspect bridge: the default network's record, Docker's shape" {
  run skiff network inspect bridge
  [ "$status" -eq 0 ]
  j=$output
  [ "$(jq -r '.[0].Name' <<<"$j")" = bridge ]
  [[ "$(jq -r '.[0].Id' <<<"$j")" =~ ^[0-9a-f]{64}$ ]]
  [ "$(jq -r '.[0].Driver' <<<"$j")" = bridge ]
  [ "$(jq -r '.[0].Scope' <<<"$j")" = local ]
  [ "$(jq -c '.[0].IPAM.Options' <<<"$j")" = null ]
  [ "$(jq -r '.[0].IPAM.Driver' <<<"$j")" = default ]
  subnet=$(jq -r '.[0].IPAM.Config[0].Subnet' <<<"$j")
  [[ "$subnet" =~ ^(172\.(1[7-9]|2[0-9]|3[01])\.0\.0/16|192\.168\.[0-9]+\.0/20)$ ]]
  [ "$(jq -r '.[0].Options["com.docker.network.bridge.default_bridge"]' <<<"$j")" = true ]
  id12=$(jq -r '.[0].Id[:12]' <<<"$j")
  [ "$(jq -r '.[0].Options["com.docker.network.bridge.name"]' <<<"$j")" = "br-$id12" ]
  [ "$(jq -c '[.[0].Internal, .[0].Attachable, .[0].Ingress, .[0].ConfigOnly, .[0].ConfigFrom, .[0].Containers, .[0].Labels]' <<<"$j")" = \
    '[false,false,false,false,{"Network":""},{},{}]' ]
  # Keys in the Engine API's order.
  [ "$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$j")" = \
    "Name,Id,Created,Scope,Driver,EnableIPv6,IPAM,Internal,Attachable,Ingress,ConfigFrom,ConfigOnly,Containers,Options,Labels" ]
  run skiff network inspect --format '{{.Driver}} {{json .IPAM.Config}}' host none
  [ "${lines[0]}" = 'host []' ]
  [ "${lines[1]}" = 'null []' ]
}

@test "network create: prints the ID; subnet from the default pools; inspect shows it" {
  run skiff network create web
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  id=$output
  [ -f "$BATS_TEST_TMPDIR/root/networks/$id.json" ]
  run skiff network inspect web
  j=$output
  [ "$(jq -r '.[0].Id' <<<"$j")" = "$id" ]
  [ "$(jq -c '.[0].IPAM.Options' <<<"$j")" = '{}' ]
  [ "$(jq -c '.[0].Options' <<<"$j")" = '{}' ]
  sub=$(jq -r '.[0].IPAM.Config[0].Subnet' <<<"$j")
  gw=$(jq -r '.[0].IPAM.Config[0].Gateway' <<<"$j")
  [ "$gw" = "${sub%.0/*}.1" ]
  # Not the default bridge's, and not a route this host has.
  [ "$sub" != "$(skiff network inspect --format '{{(index .IPAM.Config 0).Subnet}}' bridge)" ]
  ! ip route | grep -q "^${sub} "
  # Found by name, full ID and ID prefix.
  [ "$(skiff network inspect --format '{{.Name}}' "$id")" = web ]
  [ "$(skiff network inspect --format '{{.Name}}' "${id:0:5}")" = web ]
}

@test "network create: a subnet the host routes is skipped" {
  # Every default pool but the last ones is taken by a network or a host
  # route; the next network gets the first free pool.
  route=$(ip -4 route | awk '$1 ~ /^(172|192\.168)\./ {print $1; exit}')
  [ -n "$route" ] || skip "no private route on this host to avoid"
  for i in 1 2 3; do skiff network create n$i >/dev/null; done
  for i in 1 2 3; do
    s=$(skiff network inspect --format '{{(index .IPAM.Config 0).Subnet}}' n$i)
    run python3 -c "import ipaddress,sys; sys.exit(ipaddress.ip_network('$s').overlaps(ipaddress.ip_network('$route', strict=False)))"
    [ "$status" -eq 0 ]
  done
}

@test "network create: --subnet, --gateway, --ip-range, --internal, --label, --ipv6, -o" {
  run skiff network create --subnet 10.95.0.0/24 --ip-range 10.95.0.128/25 --gateway 10.95.0.254 \
    --label a=b --label c --internal -o com.docker.network.driver.mtu=9000 -o foo=bar n1
  [ "$status" -eq 0 ]
  j=$(skiff network inspect n1)
  [ "$(jq -c '.[0].IPAM.Config' <<<"$j")" = '[{"Subnet":"10.95.0.0/24","IPRange":"10.95.0.128/25","Gateway":"10.95.0.254"}]' ]
  [ "$(jq -c '.[0].Labels' <<<"$j")" = '{"a":"b","c":""}' ]
  [ "$(jq -r '.[0].Internal' <<<"$j")" = true ]
  [ "$(jq -c '.[0].Options' <<<"$j")" = '{"com.docker.network.driver.mtu":"9000","foo":"bar"}' ]
  # A subnet of one's own without a gateway shows none, as Docker's.
  skiff network create --ipv6 --subnet fd00:1::/64 --subnet 10.94.0.0/24 n2 >/dev/null
  [ "$(skiff network inspect --format '{{.EnableIPv6}} {{json .IPAM.Config}}' n2)" = \
    'true [{"Subnet":"10.94.0.0/24"},{"Subnet":"fd00:1::/64"}]' ]
  # The bridge's name: -o com.docker.network.bridge.name, else br-<id12>.
  skiff network create -o com.docker.network.bridge.name=skiffbr-t n3 >/dev/null
  id=$(net_id n3)
  [ "$(jq -r .bridge "$BATS_TEST_TMPDIR/root/networks/$id.json")" = skiffbr-t ]
  id=$(net_id n2)
  [ "$(jq -r .bridge "$BATS_TEST_TMPDIR/root/networks/$id.json")" = "br-${id:0:12}" ]
}

@test "network create: Docker's errors, nothing recorded" {
  skiff network create --subnet 10.99.0.0/24 taken >/dev/null
  before=$(ls "$BATS_TEST_TMPDIR/root/networks")
  run skiff network create taken
  assert_error 1 "network with name taken already exists"
  run skiff network create --subnet 10.99.0.0/25 other
  assert_error 1 "Pool overlaps with other one on this address space"
  run skiff network create --subnet 10.98.0.0/24 --gateway 10.97.0.1 other
  assert_error 1 "no matching subnet for gateway 10.97.0.1"
  run skiff network create --subnet 10.98.0.0/24 --ip-range 10.96.0.0/28 other
  assert_error 1 "no matching subnet for range 10.96.0.0/28"
  run skiff network create --gateway 10.98.0.1 other
  assert_error 1 "every ip-range or gateway must have a corresponding subnet"
  run skiff network create --subnet 10.98.0.300/24 other
  assert_error 1 "Invalid subnet 10.98.0.300/24 : invalid CIDR address: 10.98.0.300/24"
  run skiff network create --subnet 10.98.0.0/24 --gateway 10.98.0.255 other
  assert_error 1 "failed to allocate gateway (10.98.0.255): Address already in use"
  run skiff network create --ipv6 other
  assert_error 1 "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network"
  run skiff network create -d overlay other
  assert_error 1 'plugin "overlay" not found'
  run skiff network create -d host other
  assert_error 1 'only one instance of "host" network is allowed'
  run skiff network create bridge
  assert_error 1 "operation is not permitted on predefined bridge network"
  run skiff network create -o com.docker.network.bridge.enable_icc=maybe other
  assert_error 1 'failed to parse com.docker.network.bridge.enable_icc value: maybe (strconv.ParseBool: parsing "maybe": invalid syntax)'
  run skiff network create -o com.docker.network.driver.mtu=-5 other
  assert_error 1 "invalid MTU number: -5"
  skiff network create -o com.docker.network.bridge.name=skiffbr-d one >/dev/null
  run skiff network create -o com.docker.network.bridge.name=skiffbr-d other
  assert_error 1 "networks have same bridge name"
  run skiff network exists other
  [ "$status" -eq 1 ]
  [ "$(ls "$BATS_TEST_TMPDIR/root/networks" | grep -v "$(net_id one)")" = "$before" ]
}

@test "network create: concurrent creates of one name, one wins; of many names, no subnet twice" {
  for i in 1 2 3 4 5 6; do skiff network create same >"$BATS_TEST_TMPDIR/out$i" 2>&1 & done
  for i in 1 2 3 4 5 6; do skiff network create par$i >/dev/null 2>&1 & done
  wait
  [ "$(cat "$BATS_TEST_TMPDIR"/out* | grep -cE '^[0-9a-f]{64}$')" -eq 1 ]
  [ "$(cat "$BATS_TEST_TMPDIR"/out* | grep -c 'network with name same already exists')" -eq 5 ]
  [ "$(skiff network ls -q --filter name=^same$ | wc -l)" -eq 1 ]
  # The default bridge was made once, too.
  [ "$(skiff network ls -q --filter name=^bridge$ | wc -l)" -eq 1 ]
  subnets=$(skiff network inspect --format '{{(index .IPAM.Config 0).Subnet}}' $(skiff network ls -q --filter driver=bridge))
  [ "$(sort <<<"$subnets" | uniq -d)" = "" ]
  [ "$(wc -l <<<"$subnets")" -eq 8 ]
}

@test "network ls: -q, --no-trunc, --format fields, json, natural sort" {
  skiff network create --label a=b --internal net10 >/dev/null
  skiff network create --ipv6 --subnet fd00:5::/64 net9 >/dev/null
  run skiff network ls
  [ "${lines[1]}" = "$(skiff network ls --format '{{.ID}}   bridge    bridge    local' --filter name=^bridge$)" ]
  [[ "${lines[3]}" == *" net9 "* ]]   # 9 before 10: Docker's natural order
  [[ "${lines[4]}" == *" net10 "* ]]
  run skiff network ls -q
  [ "${#lines[@]}" -eq 5 ]
  [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
  run skiff network ls -q --no-trunc --filter name=net10
  [ "$output" = "$(net_id net10)" ]
  run skiff network ls --filter name=net --format '{{.Name}}|{{.Driver}}|{{.Scope}}|{{.IPv6}}|{{.Internal}}|{{.Labels}}|{{.Label "a"}}'
  [ "${lines[0]}" = "net9|bridge|local|true|false||" ]
  [ "${lines[1]}" = "net10|bridge|local|false|true|a=b|b" ]
  run skiff network ls --filter name=net10 --format '{{.CreatedAt}}'
  [[ "$output" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9:]{8}(\.[0-9]+)?\ [+-][0-9]{4}\ [A-Z]+$ ]]
  run skiff network ls --filter name=net10 --format json
  [ "$(jq -r '.Name + " " + .Internal + " " + .Labels' <<<"$output")" = "net10 true a=b" ]
  run skiff network ls --format 'table {{.Name}}\t{{.IPv6}}\t{{.Internal}}\t{{.CreatedAt}}' --filter name=net9
  [[ "${lines[0]}" =~ ^NAME\ +IPV6\ +INTERNAL\ +CREATED\ AT$ ]]
  run skiff network ls --format '{{.Nope}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"can't evaluate field Nope in type *network.networkContext"* ]]
}

@test "network ls --filter: driver, id, label, name, scope, type, dangling; Docker's errors" {
  skiff network create --label team=web web >/dev/null
  skiff network create idle >/dev/null
  hold_lease web c1 >/dev/null
  names() { skiff network ls --format '{{.Name}}' "$@" | tr '\n' ' '; }
  [ "$(names --filter driver=bridge)" = "bridge idle web " ]
  [ "$(names --filter driver=null)" = "none " ]
  [ "$(names --filter type=builtin)" = "bridge host none " ]
  [ "$(names --filter type=custom)" = "idle web " ]
  [ "$(names --filter label=team=web)" = "web " ]
  [ "$(names --filter label=team)" = "web " ]
  [ "$(names --filter name=^i --filter scope=local)" = "idle " ]
  [ "$(names --filter name=i)" = "bridge idle " ]  # a regular expression found in the name
  [ "$(names --filter scope=swarm)" = "" ]
  [ "$(names --filter id="$(net_id idle | cut -c1-10)")" = "idle " ]
  [ "$(names --filter dangling=true)" = "idle " ]
  [ "$(names --filter dangling=false)" = "bridge host none web " ]
  run skiff network ls --filter type=foo
  assert_error 1 "invalid filter: 'type'='foo'"
  run skiff network ls --filter foo=bar
  assert_error 1 "invalid filter 'foo'"
  run skiff network ls --filter dangling=x
  assert_error 1 "invalid value for filter 'dangling', must be \"true\" (or \"1\"), or \"false\" (or \"0\")"
  run skiff network ls --filter dangling=true --filter dangling=false
  assert_error 1 'got more than one value for filter key "dangling"'
  end_holder "$(jq -r '.[0].holder_pid' "$BATS_TEST_TMPDIR/run/networks/$(net_id web)/leases.json")"
}

@test "network inspect: several, --format, not found, Containers from the leases" {
  skiff network create --subnet 10.91.0.0/24 a >/dev/null
  skiff network create b >/dev/null
  run skiff network inspect --format '{{.Name}} {{.Driver}} {{.Internal}}' a b
  [ "$output" = "$(printf 'a bridge false\nb bridge false')" ]
  run skiff network inspect a nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"skiff: network nosuch not found"* ]]
  [ "$(jq -r '.[0].Name' <<<"${output%%skiff:*}")" = a ]
  run skiff network inspect nosuch
  assert_error 1 "network nosuch not found"
  pid=$(hold_lease a c1 10.91.0.2)
  run skiff network inspect --format '{{json .Containers}}' a
  [ "$output" = "{\"$(printf %064d 7)\":{\"Name\":\"c1\",\"EndpointID\":\"$(printf 'e%063d' 1)\",\"MacAddress\":\"02:42:00:00:00:01\",\"IPv4Address\":\"10.91.0.2/24\",\"IPv6Address\":\"\"}}" ]
  # Once the holder is gone the lease is dead: nobody is on the network.
  end_holder "$pid"
  [ "$(skiff network inspect --format '{{len .Containers}}' a)" = 0 ]
}

@test "network rm: several, in use refused with the containers' names, built-ins refused, -f" {
  skiff network create x1 >/dev/null
  skiff network create x2 >/dev/null
  skiff network create busy >/dev/null
  id=$(net_id busy)
  pid=$(hold_lease busy c1 172.30.0.2)
  run skiff network rm x1 x2
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'x1\nx2')" ]
  run skiff network rm busy
  assert_error 1 "error while removing network: network busy has active endpoints (name:\"c1\" id:\"e00000000000\")"
  [ -f "$BATS_TEST_TMPDIR/root/networks/$id.json" ]
  run skiff network rm bridge host none
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: bridge is a pre-defined network and cannot be removed" ]
  [ "${lines[1]}" = "skiff: host is a pre-defined network and cannot be removed" ]
  [ "${lines[2]}" = "skiff: none is a pre-defined network and cannot be removed" ]
  run skiff network rm nosuch
  assert_error 1 "network nosuch not found"
  run skiff network rm -f nosuch
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # The lease's holder gone (kill -9 of a start): the next rm repairs and removes.
  end_holder "$pid"
  run skiff network rm "${id:0:8}"
  [ "$status" -eq 0 ]
  [ "$output" = "${id:0:8}" ]
  [ ! -e "$BATS_TEST_TMPDIR/root/networks/$id.json" ]
  [ ! -e "$BATS_TEST_TMPDIR/run/networks/$id" ]
  run skiff network exists busy
  [ "$status" -eq 1 ]
}

@test "network prune: prompt, -f, --filter label/until, used and built-in networks kept" {
  skiff network create --label keep=yes kept >/dev/null
  skiff network create p1 >/dev/null
  skiff network create used >/dev/null
  pid=$(hold_lease used c1)
  run skiff network prune <<<"n"
  [ "$status" -eq 0 ]
  [ "$output" = "WARNING! This will remove all custom networks not used by at least one container.
Are you sure you want to continue? [y/N] " ]
  [ "$(skiff network ls -q | wc -l)" -eq 6 ]
  run skiff network prune -f --filter label=nosuch
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run skiff network prune -f --filter until=2000-01-01T00:00:00Z
  [ -z "$output" ]
  run skiff network prune -f --filter label!=keep
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Deleted Networks:\np1\n')" ]
  run skiff network prune --filter foo=bar -f
  assert_error 1 "invalid filter 'foo'"
  run skiff network prune -f
  [ "$output" = "$(printf 'Deleted Networks:\nkept\n')" ]
  [ "$(skiff network ls --format '{{.Name}}' | tr '\n' ' ')" = "bridge host none used " ]
  end_holder "$pid"
}

@test "network exists: exit 0 or 1, nothing printed" {
  skiff network create there >/dev/null
  for n in there bridge host none "$(net_id there)"; do
    run skiff network exists "$n"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
  done
  run skiff network exists nothere
  [ "$status" -eq 1 ]
  [ -z "$output" ]
}

@test "network: a damaged record is an error naming the file, not a silent skip" {
  skiff network create ok >/dev/null
  id=$(net_id ok)
  echo '{"id":' >"$BATS_TEST_TMPDIR/root/networks/$id.json"
  run skiff network ls
  [ "$status" -eq 1 ]
  [[ "$output" == "skiff: $BATS_TEST_TMPDIR/root/networks/$id.json: "* ]]
  rm "$BATS_TEST_TMPDIR/root/networks/$id.json"
}

@test "network completion: names for inspect, rm, exists; driver, option and filter values" {
  skiff network create backend >/dev/null
  for c in inspect rm exists; do
    run skiff __complete network $c ''
    [ "$status" -eq 0 ]
    [ "$(sort <<<"$output" | tr '\n' ' ')" = "backend bridge host none " ]
  done
  run skiff __complete network rm ba
  [ "$output" = backend ]
  run skiff __complete network create --driver ''
  [ "$output" = bridge ]
  run skiff __complete network create -o com.docker.network.driver
  [ "$output" = com.docker.network.driver.mtu= ]
  run skiff __complete network ls --filter ty
  [ "$output" = type= ]
  run skiff __complete network prune --filter ''
  [ "$(sort <<<"$output" | tr "\n" " ")" = "label!= label= until= " ]
  run skiff __complete network ''
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "connect create disconnect exists inspect list ls prune remove rm " ]
}

@test "inspect: networks after containers and images, before volumes; --type network" {
  skiff network create shared >/dev/null
  skiff volume create shared >/dev/null
  run skiff inspect --format '{{.Driver}} {{.Scope}}' shared
  [ "$output" = "bridge local" ]
  run skiff inspect --type volume --format '{{.Mountpoint}}' shared
  [[ "$output" == */volumes/shared/_data ]]
  run skiff inspect --type network --format '{{.Name}} {{.Id}}' bridge
  [[ "$output" =~ ^bridge\ [0-9a-f]{64}$ ]]
  run skiff inspect --type network nosuch
  assert_error 1 "No such network: nosuch"
}
