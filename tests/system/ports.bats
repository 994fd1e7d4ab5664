#!/usr/bin/env bats
# Published ports (-p, -P, --expose): busybox httpd answering curl from
# the host through each -p form, UDP, -P with an image's EXPOSE, a busy
# port, the rootless privileged-port error, `port`, ps PORTS and inspect
# as Docker shows them (docker/cli 28 beside the reference Docker), the
# forwarder process's end, and a large transfer through it.
# Traffic goes to 127.0.0.1 and ::1 only.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  load_busybox
  WWW=$BATS_TEST_TMPDIR/www
  mkdir -p "$WWW"
  echo "hello from $BATS_TEST_NUMBER" >"$WWW/index.html"
}

# A host TCP and UDP port (and the $2 - 1 after it, default none) nothing
# listens on, below the ephemeral range so that no kernel-picked port
# takes it meanwhile. The root and rootless passes run at once on one
# host: each draws its own at random.
free_port() {
  local n=${1:-1} p i busy
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 10000))
    busy=
    for ((i = 0; i < n; i++)); do
      [ -z "$(ss -Htuln "sport = :$((p + i))")" ] || busy=1
    done
    [ -n "$busy" ] || { echo "$p"; return 0; }
  done
  return 1
}

# busybox httpd serving $WWW on container port 80, published with $@.
httpd() {
  skiff run -d "$@" -v "$WWW:/www:ro" busybox httpd -f -p 80 -h /www
}

# What the page at $1 (a URL) says, failing fast.
get() {
  curl -sS -g -m 5 "$1"
}

# The forwarder of container $1 (a child of its supervisor).
forwarder_of() {
  local pid sup
  pid=$(skiff inspect --format '{{.State.Pid}}' "$1")
  sup=$(awk '{print $4}' "/proc/$pid/stat")
  pgrep -P "$sup" -x skiff-ports
}

@test "-p HOST:CTR answers on 127.0.0.1 and ::1; port, ps and inspect as Docker's" {
  local p
  p=$(free_port)
  run httpd --name web -p "$p:80" --expose 7000-7001
  [ "$status" -eq 0 ]
  wait_for get "http://127.0.0.1:$p/"
  [ "$(get "http://127.0.0.1:$p/")" = "hello from $BATS_TEST_NUMBER" ]
  [ "$(get "http://[::1]:$p/")" = "hello from $BATS_TEST_NUMBER" ]
  run skiff port web
  [ "$output" = "80/tcp -> 0.0.0.0:$p
80/tcp -> [::]:$p" ]
  run skiff port web 80/tcp
  [ "$output" = "0.0.0.0:$p
[::]:$p" ]
  run skiff ps --format '{{.Ports}}'
  [ "$output" = "7000-7001/tcp, 0.0.0.0:$p->80/tcp, [::]:$p->80/tcp" ]
  run skiff inspect --format '{{json .HostConfig.PortBindings}} {{.HostConfig.PublishAllPorts}} {{json .Config.ExposedPorts}}' web
  [ "$output" = "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$p\"}]} false {\"7000/tcp\":{},\"7001/tcp\":{},\"80/tcp\":{}}" ]
  run skiff inspect --format '{{json .NetworkSettings.Ports}}' web
  [ "$output" = "{\"7000/tcp\":null,\"7001/tcp\":null,\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"$p\"},{\"HostIp\":\"::\",\"HostPort\":\"$p\"}]}" ]
  # ps --filter publish= and expose= take container ports (moby's list).
  [ "$(skiff ps --filter publish=80 --format '{{.Names}}')" = web ]
  [ "$(skiff ps --filter expose=7000-7005/tcp --format '{{.Names}}')" = web ]
  [ -z "$(skiff ps --filter publish=7000 --format '{{.Names}}')" ]
  # docker/cli's error for a port not published (exit 1).
  run skiff port web 7000
  assert_error 1 "No public port '7000' published for web"
  run skiff port web 80/udp
  assert_error 1 "No public port '80/udp' published for web"
  # Stopped: nothing bound, nothing shown; started again: bound again.
  skiff stop -t 0 web >/dev/null
  run skiff port web
  [ "$status" -eq 0 ] && [ -z "$output" ]
  [ "$(skiff ps -a --format '{{.Ports}}')" = "" ]
  [ "$(skiff inspect --format '{{json .NetworkSettings.Ports}}' web)" = "{}" ]
  run -7 get "http://127.0.0.1:$p/"
  skiff start web >/dev/null
  wait_for get "http://127.0.0.1:$p/"
}

@test "--network slirp4netns and pasta: the same forwarder, to the address each gives the container" {
  local p
  for net in slirp4netns pasta; do
    p=$(free_port)
    httpd --name "w-$net" --network "$net" -p "127.0.0.1:$p:80" >/dev/null
    wait_for get "http://127.0.0.1:$p/"
    [ "$(get "http://127.0.0.1:$p/")" = "hello from $BATS_TEST_NUMBER" ]
    [ "$(skiff port "w-$net")" = "80/tcp -> 127.0.0.1:$p" ]
    skiff rm -f "w-$net" >/dev/null
  done
}

@test "-p CTR: one ephemeral port on 0.0.0.0 and ::" {
  httpd --name eph -p 80 >/dev/null
  run skiff port eph 80
  [ "${#lines[@]}" -eq 2 ]
  local p=${lines[0]#0.0.0.0:}
  [ "${lines[1]}" = "[::]:$p" ]
  [ "$p" -ge 1024 ]
  wait_for get "http://127.0.0.1:$p/"
  [ "$(get "http://[::1]:$p/")" = "hello from $BATS_TEST_NUMBER" ]
  run skiff inspect --format '{{json .HostConfig.PortBindings}}' eph
  [ "$output" = '{"80/tcp":[{"HostIp":"","HostPort":""}]}' ]
}

@test "-p 127.0.0.1:HOST:CTR and 127.0.0.1::CTR bind 127.0.0.1 alone" {
  local p
  p=$(free_port)
  httpd --name lo4 -p "127.0.0.1:$p:80" -p 127.0.0.1::80 >/dev/null
  run skiff port lo4
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" == "80/tcp -> 127.0.0.1:"* ]]
  [[ "$output" == *"80/tcp -> 127.0.0.1:$p"* ]]
  local other
  for l in "${lines[@]}"; do
    [ "$l" = "80/tcp -> 127.0.0.1:$p" ] || other=${l##*:}
  done
  wait_for get "http://127.0.0.1:$p/"
  [ "$(get "http://127.0.0.1:$other/")" = "hello from $BATS_TEST_NUMBER" ]
  run -7 get "http://[::1]:$p/"
  run skiff inspect --format '{{json .HostConfig.PortBindings}}' lo4
  [ "$output" = "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$p\"},{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]}" ]
}

@test "-p [::1]:HOST:CTR binds ::1 alone" {
  local p
  p=$(free_port)
  httpd --name lo6 -p "[::1]:$p:80" >/dev/null
  wait_for get "http://[::1]:$p/"
  [ "$(get "http://[::1]:$p/")" = "hello from $BATS_TEST_NUMBER" ]
  run -7 get "http://127.0.0.1:$p/"
  [ "$(skiff port lo6)" = "80/tcp -> [::1]:$p" ]
  [ "$(skiff ps --format '{{.Ports}}')" = "[::1]:$p->80/tcp" ]
  [ "$(skiff inspect --format '{{json .HostConfig.PortBindings}}' lo6)" = "{\"80/tcp\":[{\"HostIp\":\"::1\",\"HostPort\":\"$p\"}]}" ]
}

@test "ranges: FIRST-LAST:FIRST-LAST publishes each, ps collapses them; a host range picks a free port" {
  local p
  p=$(free_port 6)
  local a=$p b=$((p + 1)) c=$((p + 2)) d=$((p + 3)) e=$((p + 4)) f=$((p + 5))
  skiff run -d --name rng -v "$WWW:/www:ro" -p "127.0.0.1:$a-$c:$a-$c" busybox \
    sh -c "httpd -p $a -h /www; httpd -p $b -h /www; exec httpd -f -p $c -h /www" >/dev/null
  for q in $a $b $c; do
    wait_for get "http://127.0.0.1:$q/"
  done
  [ "$(skiff ps --format '{{.Ports}}')" = "127.0.0.1:$a-$c->$a-$c/tcp" ]
  run skiff port rng
  [ "$output" = "$a/tcp -> 127.0.0.1:$a
$b/tcp -> 127.0.0.1:$b
$c/tcp -> 127.0.0.1:$c" ]
  # A host range beside one container port: the first free one ($d is taken).
  httpd --name hold -p "127.0.0.1:$d:80" >/dev/null
  httpd --name pick -p "127.0.0.1:$d-$f:80" >/dev/null
  [ "$(skiff port pick 80)" = "127.0.0.1:$e" ]
  run skiff inspect --format '{{json .HostConfig.PortBindings}}' pick
  [ "$output" = "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$d-$f\"}]}" ]
  wait_for get "http://127.0.0.1:$e/"
  # None free: the range is named.
  run httpd --name none_free -p "127.0.0.1:$d-$e:80"
  assert_error 125 "Bind for 127.0.0.1:$d-$e failed: port is already allocated"
}

@test "UDP: each client's datagrams reach the container and its answers come back" {
  cc -static -O2 -o "$BATS_TEST_TMPDIR/udp-echo" "$FIXTURES/udp-echo.c"
  local p
  p=$(free_port)
  skiff run -d --name udp -v "$BATS_TEST_TMPDIR/udp-echo:/udp-echo:ro" -p "$p:5353/udp" busybox /udp-echo 5353 >/dev/null
  [ "$(skiff port udp 5353/udp)" = "0.0.0.0:$p
[::]:$p" ]
  [ "$(skiff ps --format '{{.Ports}}')" = "0.0.0.0:$p->5353/udp, [::]:$p->5353/udp" ]
  # Two clients (two flows), over IPv4 and IPv6; each datagram read whole.
  local reply fd
  for addr in 127.0.0.1 ::1; do
    exec {fd}<>"/dev/udp/$addr/$p"
    echo "ping $addr" >&$fd
    reply=$(timeout 5 dd bs=65536 count=1 status=none <&$fd)
    exec {fd}>&-
    [ "$reply" = "echo:ping $addr" ]
  done
}

@test "-P publishes the image's EXPOSE and --expose ports on ephemeral host ports" {
  local ctx=$BATS_TEST_TMPDIR/ctx
  mkdir -p "$ctx"
  printf 'FROM busybox\nEXPOSE 80 5353/udp\n' >"$ctx/Dockerfile"
  skiff build -q -t exposer "$ctx" >/dev/null
  skiff run -d --name pall -P --expose 8080 -p 127.0.0.1::9000 -v "$WWW:/www:ro" exposer httpd -f -p 80 -h /www >/dev/null
  run skiff inspect --format '{{.HostConfig.PublishAllPorts}} {{json .Config.ExposedPorts}}' pall
  [ "$output" = 'true {"5353/udp":{},"80/tcp":{},"8080/tcp":{},"9000/tcp":{}}' ]
  run skiff port pall
  [ "${#lines[@]}" -eq 7 ]
  [[ "$output" == *"5353/udp -> 0.0.0.0:"* ]]
  [[ "$output" == *"8080/tcp -> [::]:"* ]]
  # -p's own binding wins over -P's for its port.
  [[ "$(skiff port pall 9000)" == "127.0.0.1:"* ]]
  local p
  p=$(skiff port pall 80 | head -1)
  p=${p#0.0.0.0:}
  wait_for get "http://127.0.0.1:$p/"
  [ "$(get "http://127.0.0.1:$p/")" = "hello from $BATS_TEST_NUMBER" ]
}

@test "a busy host port: run fails with Docker's words and leaves nothing; create+start keeps the created one" {
  local p
  p=$(free_port)
  httpd --name first -p "$p:80" >/dev/null
  run httpd --name second -p "$p:80"
  assert_error 125 "driver failed programming external connectivity on endpoint second ("
  [[ "$output" == *"): Bind for 0.0.0.0:$p failed: port is already allocated" ]]
  [ "$(skiff ps -a --format '{{.Names}}')" = "first" ]
  # A foreground run the same.
  run skiff run --name third -p "$p:80" busybox true
  assert_error 125 "Bind for 0.0.0.0:$p failed: port is already allocated"
  [ "$(skiff ps -a --format '{{.Names}}')" = "first" ]
  # As Docker, a container created first stays, never started.
  skiff create --name later -p "$p:80" busybox sleep 60 >/dev/null
  run skiff start later
  [ "$status" -eq 1 ]
  [[ "$output" == *"Bind for 0.0.0.0:$p failed: port is already allocated"* ]]
  [ "$(skiff inspect --format '{{.State.Status}}' later)" = "created" ]
  # The first still serves; once it is gone the port is free for the other.
  wait_for get "http://127.0.0.1:$p/"
  skiff rm -f first >/dev/null
  skiff start later >/dev/null
  [ "$(skiff port later 80 | head -1)" = "0.0.0.0:$p" ]
}

@test "rootless: a port below ip_unprivileged_port_start fails naming the sysctl" {
  rootless || skip "root may bind any port"
  local start
  start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
  [ "$start" -gt 80 ] || skip "this host lets anyone bind port 80"
  run skiff run -d --name low -p 127.0.0.1:80:80 busybox sleep 60
  assert_error 125 "cannot expose privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently $start)"
  [ -z "$(skiff ps -a -q)" ]
}

@test "the forwarder ends with rm -f and with a supervisor killed with -9; the port is free again" {
  local p fwd pid sup
  p=$(free_port)
  httpd --name fw -p "127.0.0.1:$p:80" >/dev/null
  wait_for get "http://127.0.0.1:$p/"
  fwd=$(forwarder_of fw)
  [ -n "$fwd" ]
  grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$fwd/status"
  grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$fwd/status"
  # It lives in the container's network namespace.
  pid=$(skiff inspect --format '{{.State.Pid}}' fw)
  [ "$(readlink "/proc/$fwd/ns/net")" = "$(readlink "/proc/$pid/ns/net")" ]
  [[ "$(tr '\0' ' ' <"/proc/$fwd/cmdline")" == "skiff-ports fw "* ]]
  skiff rm -f fw >/dev/null
  ! kill -0 "$fwd" 2>/dev/null || grep -q '^State:.*Z' "/proc/$fwd/status"
  run -7 get "http://127.0.0.1:$p/"

  httpd --name fk -p "127.0.0.1:$p:80" >/dev/null
  wait_for get "http://127.0.0.1:$p/"
  fwd=$(forwarder_of fk)
  pid=$(skiff inspect --format '{{.State.Pid}}' fk)
  sup=$(awk '{print $4}' "/proc/$pid/stat")
  kill -9 "$sup"
  wait_for sh -c "! kill -0 $fwd 2>/dev/null || grep -q '^State:.*Z' /proc/$fwd/status"
  [ "$(skiff inspect --format '{{.State.Status}} {{json .NetworkSettings.Ports}}' fk)" = "exited {}" ]
  [ "$(skiff ps -a --format '{{.Ports}}')" = "" ]
  httpd --name again -p "127.0.0.1:$p:80" >/dev/null
  wait_for get "http://127.0.0.1:$p/"
}

@test "--network host discards -p with Docker's warning; none publishes nothing" {
  local p
  p=$(free_port)
  run --separate-stderr skiff create --name h --network host -p "$p:80" busybox true
  [ "$status" -eq 0 ]
  [ "$stderr" = "WARNING: Published ports are discarded when using host network mode" ]
  # Kept in the config, as Docker keeps it.
  [ "$(skiff inspect --format '{{json .HostConfig.PortBindings}}' h)" = "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$p\"}]}" ]
  skiff run -d --name n --network none -p "$p:80" busybox sleep 60 >/dev/null
  [ "$(skiff inspect --format '{{json .NetworkSettings.Ports}}' n)" = "{}" ]
  [ -z "$(skiff port n)" ]
  [ -z "$(ss -Htln "sport = :$p")" ]
}

@test "bad -p and --expose values: docker/cli's words, exit 125, nothing created" {
  run skiff run -p abc busybox true
  assert_error 125 "invalid containerPort: abc"
  run skiff create -p 1.2.3:80:80 busybox true
  assert_error 125 "invalid IP address: 1.2.3"
  run skiff create -p 8000-8010:80-81 busybox true
  assert_error 125 "invalid ranges specified for container and host Ports: 80-81 and 8000-8010"
  run skiff create -p 80/xyz busybox true
  assert_error 125 "invalid proto: xyz"
  run skiff create --expose 1:2 busybox true
  assert_error 125 "invalid port format for --expose: 1:2"
  run skiff create --expose 5-3 busybox true
  assert_error 125 "invalid range format for --expose: 5-3, error: invalid range specified for port: 5-3"
  run skiff run -p 80/sctp busybox true
  assert_error 125 "publishing SCTP ports is not supported: 80/sctp"
  [ -z "$(skiff ps -a -q)" ]
}

@test "200 MB through a published port arrive whole" {
  head -c 200M /dev/urandom >"$WWW/big"
  local p
  p=$(free_port)
  httpd --name big -p "127.0.0.1:$p:80" >/dev/null
  wait_for get "http://127.0.0.1:$p/"
  [ "$(curl -sS -m 120 "http://127.0.0.1:$p/big" | sha256sum | cut -d' ' -f1)" = "$(sha "$WWW/big")" ]
  rm -f "$WWW/big"
}
