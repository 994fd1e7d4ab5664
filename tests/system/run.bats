#!/usr/bin/env bats
# skiff run: output and exit codes, the process spec (env, workdir, user,
# entrypoint, hostname, labels, names), mounts, security (capabilities,
# seccomp, no_new_privs, masked paths), networks, --init, ulimits, restart
# policies, cgroup limits, and rejection of malformed flags.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  load_busybox
}

# `skiff run` without a network: most tests need none, and not starting
# slirp4netns for each keeps the suite fast. Tests of networks use `skiff run`.
skiff_run() {
  skiff run --network none "$@"
}

# Asserts that `ps -a -q` lists nothing.
assert_no_containers() {
  local left
  left=$(skiff ps -a -q)
  [ -z "$left" ] || { echo "containers left behind: $left"; return 1; }
}

# Succeeds when `inspect --format FORMAT ID` prints WANT.
inspect_is() {
  [ "$(skiff inspect --format "$2" "$1")" = "$3" ]
}

# The capability mask with every bit up to the kernel's last capability.
all_caps_mask() {
  local last
  last=$(cat /proc/sys/kernel/cap_last_cap)
  printf '%016x' $(((1 << (last + 1)) - 1))
}

# --- output and exit codes --------------------------------------------------

@test "run --rm prints the output and leaves no container" {
  run skiff run --rm busybox echo hello world
  [ "$status" -eq 0 ]
  [ "$output" = "hello world" ]
  assert_no_containers
  # Detached, too: the container goes once it exits.
  run skiff run -d --rm busybox sh -c 'sleep 1'
  [ "$status" -eq 0 ]
  [ "$(skiff ps -q --no-trunc)" = "$output" ]
  wait_for assert_no_containers
}

@test "run returns the container's own exit code" {
  run skiff run --rm busybox sh -c 'exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = "" ]
  run skiff run busybox sh -c 'echo out; exit 42'
  [ "$status" -eq 42 ]
  [ "$output" = "out" ]
  run skiff ps -a --format '{{.Status}}'
  [[ "$output" == "Exited (42) "*" ago" ]]
}

@test "run of an unknown image with --pull never fails with 125 and one line" {
  # (By default it would be pulled: registry.bats tests that offline.)
  run skiff run --rm --pull never nosuchimage:1.0 true
  assert_error 125 "No such image: nosuchimage:1.0"
  [ "${#lines[@]}" -eq 1 ]
  assert_no_containers
}

@test "run of a missing command fails with 127" {
  run -127 skiff_run --rm busybox no-such-command
  assert_error 127 "executable file not found"
  [[ "$output" == *no-such-command* ]]
  [ "${#lines[@]}" -eq 1 ]
  assert_no_containers
}

@test "run of a non-executable file fails with 126" {
  run skiff_run --rm busybox /etc/passwd
  assert_error 126 "/etc/passwd"
  [[ "$output" == *"permission denied"* ]]
  [ "${#lines[@]}" -eq 1 ]
}

# --- environment, workdir, user ---------------------------------------------

@test "run -e sets variables, takes bare names from the caller, skips unset ones" {
  export SKIFF_T_FROM_HOST="from host"
  unset SKIFF_T_UNSET
  run skiff_run --rm -e A=1 --env B=two=2 -e SKIFF_T_FROM_HOST -e SKIFF_T_UNSET -e EMPTY= busybox \
    sh -c 'echo "$A|$B|$SKIFF_T_FROM_HOST|${SKIFF_T_UNSET-unset}|${EMPTY-unset}"'
  [ "$status" -eq 0 ]
  [ "$output" = "1|two=2|from host|unset|" ]
}

@test "run keeps a default PATH and -e overrides it" {
  run skiff_run --rm busybox sh -c 'echo $PATH'
  [ "$output" = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ]
  run skiff_run --rm -e PATH=/bin busybox sh -c 'echo $PATH'
  [ "$output" = "/bin" ]
}

@test "run and exec: the environment in Docker's order, HOSTNAME set, a bare -e NAME the caller lacks unsets it" {
  unset SKIFF_T_UNSET
  run skiff_run --rm -h envhost -e A=1 busybox env
  [ "$output" = "$(printf '%s\n' PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOSTNAME=envhost A=1 HOME=/root)" ]
  # Kept bare in Config.Env, as Docker records it; it removes the default.
  skiff create --name envbare --network none -e HOSTNAME -e SKIFF_T_UNSET busybox env >/dev/null
  run skiff inspect --format '{{json .Config.Env}}' envbare
  [ "$output" = '["HOSTNAME","SKIFF_T_UNSET"]' ]
  run skiff start -a envbare
  [ "$output" = "$(printf '%s\n' PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)" ]
  local id
  id=$(skiff_run -d -e A=1 busybox sleep 60)
  run skiff exec -e B=2 -e A "$id" env
  [ "$output" = "$(printf '%s\n' PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "HOSTNAME=${id:0:12}" B=2 HOME=/root)" ]
  skiff rm -f "$id" envbare >/dev/null
}

@test "run --env-file reads variables, skips comments, and -e wins" {
  export SKIFF_T_PASS=passed
  cat > "$BATS_TEST_TMPDIR/env" <<'EOF'
# a comment
X=1

Y=with spaces
SKIFF_T_PASS
Z=from-file
EOF
  run skiff_run --rm --env-file "$BATS_TEST_TMPDIR/env" -e Z=from-flag busybox \
    sh -c 'echo "$X|$Y|$SKIFF_T_PASS|$Z"'
  [ "$status" -eq 0 ]
  [ "$output" = "1|with spaces|passed|from-flag" ]
}

@test "run --env-file of a missing file is an error" {
  run skiff_run --rm --env-file "$BATS_TEST_TMPDIR/nope" busybox true
  assert_error 125 "nope"
  assert_no_containers
}

@test "run -w sets the working directory and creates a missing one" {
  run skiff_run --rm -w /etc busybox pwd
  [ "$output" = "/etc" ]
  run skiff_run --rm --workdir /new/work/dir busybox sh -c 'pwd; [ -d /new/work/dir ] && echo exists'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/new/work/dir" ]
  [ "${lines[1]}" = "exists" ]
}

@test "run without -u runs as root" {
  run skiff_run --rm busybox id
  [ "$status" -eq 0 ]
  [ "$output" = "uid=0(root) gid=0(root) groups=0(root)" ]
}

@test "run -u NAME takes uid, gid and groups from the image's files" {
  run skiff_run --rm -u user busybox id
  [ "$status" -eq 0 ]
  [ "$output" = "uid=1000(user) gid=1000(user) groups=50(staff),1000(user)" ]
}

@test "run -u UID:GID" {
  run skiff_run --rm -u 1000:50 busybox id
  [ "$status" -eq 0 ]
  [ "$output" = "uid=1000(user) gid=50(staff) groups=50(staff)" ]
  # A UID the image does not know runs with group 0.
  run skiff_run --rm -u 4242 busybox id
  [ "$status" -eq 0 ]
  [ "$output" = "uid=4242 gid=0(root) groups=0(root)" ]
}

@test "run -u NAME:GROUP" {
  run skiff_run --rm -u user:staff busybox sh -c 'id; echo HOME=$HOME'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "uid=1000(user) gid=50(staff) groups=50(staff)" ]
  [ "${lines[1]}" = "HOME=/home/user" ]
}

@test "run -u 0:GID keeps root with another group" {
  run skiff_run --rm -u 0:50 busybox id
  [ "$status" -eq 0 ]
  [ "$output" = "uid=0(root) gid=50(staff) groups=50(staff)" ]
}

@test "run -u with an unknown user fails" {
  run skiff_run --rm -u nosuchuser busybox id
  assert_error 125 "nosuchuser"
  [ "${#lines[@]}" -eq 1 ]
  assert_no_containers
}

# --- entrypoint, hostname, labels, names ------------------------------------

@test "run --entrypoint replaces the entrypoint and drops the image's CMD" {
  run skiff_run --rm --entrypoint echo busybox one two
  [ "$output" = "one two" ]
  # The image's CMD (sh) is not passed to the new entrypoint.
  run skiff_run --rm --entrypoint echo busybox
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run skiff create --entrypoint /bin/echo busybox x
  run skiff inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$output"
  [ "$output" = '["/bin/echo"] ["x"]' ]
}

@test "run --entrypoint \"\" runs the given command" {
  run skiff_run --rm --entrypoint "" busybox echo plain command
  [ "$status" -eq 0 ]
  [ "$output" = "plain command" ]
}

@test "run --hostname sets hostname and /etc/hostname" {
  run skiff_run --rm --hostname box.example busybox sh -c 'hostname; cat /etc/hostname'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "box.example" ]
  [ "${lines[1]}" = "box.example" ]
}

@test "the default hostname is the first 12 characters of the ID" {
  run skiff run -d busybox sh -c 'hostname; cat /etc/hostname'
  [ "$status" -eq 0 ]
  local id=$output
  [ "${#id}" -eq 64 ]
  run skiff wait "$id"
  [ "$output" = "0" ]
  run skiff logs "$id"
  [ "${lines[0]}" = "${id:0:12}" ]
  [ "${lines[1]}" = "${id:0:12}" ]
  run skiff inspect --format '{{.Config.Hostname}}' "$id"
  [ "$output" = "${id:0:12}" ]
}

@test "run -l labels show in inspect" {
  run skiff_run -d --name labelled -l a=b --label c -l 'spaced=x y' busybox true
  [ "$status" -eq 0 ]
  run skiff inspect --format '{{json .Config.Labels}}' labelled
  [ "$status" -eq 0 ]
  [ "$(jq -c -S . <<<"$output")" = '{"a":"b","c":"","spaced":"x y"}' ]
}

@test "run --name refuses a name in use in Docker's words; --replace replaces" {
  run skiff_run -d --name web busybox sleep 60
  [ "$status" -eq 0 ]
  local first=$output
  run skiff_run --name web busybox true
  assert_error 125 "already in use"
  [[ "$output" == *"to be able to reuse that name." ]]
  [ "${#lines[@]}" -eq 1 ]
  run skiff_run --replace --name web busybox echo replaced
  [ "$status" -eq 0 ]
  [ "$output" = "replaced" ]
  run skiff ps -a --no-trunc --format '{{.ID}} {{.Names}}'
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *" web" ]]
  [[ "$output" != "$first"* ]]
}

# --- filesystem and mounts --------------------------------------------------

@test "run --read-only makes / read-only; --tmpfs gives a writable /tmp" {
  run skiff_run --rm --read-only busybox touch /file
  [ "$status" -eq 1 ]
  [[ "$output" == *"Read-only file system"* ]]
  run skiff_run --rm --read-only --tmpfs /tmp busybox sh -c 'touch /tmp/x && echo written'
  [ "$status" -eq 0 ]
  [ "$output" = "written" ]
}

@test "run --tmpfs mounts a tmpfs with the given options" {
  run skiff_run --rm --tmpfs /scratch:size=1m,mode=1770 busybox sh -c \
    'grep " /scratch " /proc/mounts; stat -c %a /scratch; echo data > /scratch/f && cat /scratch/f'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "tmpfs /scratch tmpfs "*"size=1024k"* ]]
  [ "${lines[1]}" = "1770" ]
  [ "${lines[2]}" = "data" ]
}

@test "run --tmpfs takes docker's mount flags (rw,noexec,nosuid,size=...)" {
  # The example from docker's run reference.
  run skiff_run --rm --tmpfs /run:rw,noexec,nosuid,size=65536k busybox grep " /run " /proc/mounts
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [[ "$output" == "tmpfs /run tmpfs rw,"*"noexec"*"size=65536k"* ]]
  run skiff_run --rm --tmpfs /t:exec busybox grep " /t " /proc/mounts
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [[ "$output" == "tmpfs /t tmpfs "* ]]
  [[ "$output" != *noexec* ]]
}

@test "run --tmpfs mounts are noexec, nosuid and nodev by default, as docker's" {
  run skiff_run --rm --tmpfs /t busybox grep " /t " /proc/mounts
  [ "$status" -eq 0 ]
  [[ "$output" == "tmpfs /t tmpfs "*nosuid* ]]
  [[ "$output" == *nodev* ]]
  [[ "$output" == *noexec* ]]
}

@test "run -v NAME:/path auto-creates a volume whose data persists" {
  run skiff_run --rm -v keep:/data busybox sh -c 'echo persisted > /data/f'
  [ "$status" -eq 0 ]
  run skiff volume ls -q
  [ "$output" = "keep" ]
  run skiff_run --rm -v keep:/data busybox cat /data/f
  [ "$status" -eq 0 ]
  [ "$output" = "persisted" ]
}

@test "run -v /host:/path binds a host directory both ways" {
  local dir=$BATS_TEST_TMPDIR/host
  mkdir "$dir"
  chmod 777 "$dir"
  echo from-host > "$dir/in"
  chmod 644 "$dir/in"
  run skiff_run --rm -v "$dir":/mnt busybox sh -c 'cat /mnt/in; echo from-container > /mnt/out'
  [ "$status" -eq 0 ]
  [ "$output" = "from-host" ]
  [ "$(cat "$dir/out")" = "from-container" ]
}

@test "run -v /host:/path:ro is read-only" {
  local dir=$BATS_TEST_TMPDIR/host
  mkdir "$dir"
  chmod 777 "$dir"
  run skiff_run --rm -v "$dir":/mnt:ro busybox sh -c 'echo x > /mnt/out'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Read-only file system"* ]]
  [ ! -e "$dir/out" ]
}

@test "run -v binds a single file" {
  echo "single file" > "$BATS_TEST_TMPDIR/motd"
  chmod 644 "$BATS_TEST_TMPDIR/motd"
  run skiff_run --rm -v "$BATS_TEST_TMPDIR/motd":/etc/motd:ro busybox sh -c 'cat /etc/motd; [ -f /etc/motd ] && echo file'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "single file" ]
  [ "${lines[1]}" = "file" ]
}

@test "an anonymous -v /data volume is removed by rm -v but not by rm" {
  run skiff_run -d -v /data busybox sh -c 'echo x > /data/f'
  local id=$output
  skiff wait "$id"
  run skiff volume ls -q
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  local vol=$output
  run skiff inspect --format '{{range .Mounts}}{{.Name}} {{.Destination}}{{end}}' "$id"
  [ "$output" = "$vol /data" ]
  skiff rm "$id"
  run skiff volume ls -q
  [ "$output" = "$vol" ]

  # rm -v removes the anonymous volume, never a named one.
  run skiff_run -d -v /data -v named:/named busybox true
  id=$output
  skiff wait "$id"
  run skiff volume ls -q
  [ "${#lines[@]}" -eq 3 ]
  skiff rm -v "$id"
  run skiff volume ls -q
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "$(printf '%s\n' "$vol" named | sort | tr '\n' ' ')" ]
}

@test "run --mount type=bind, type=volume and type=tmpfs" {
  local dir=$BATS_TEST_TMPDIR/host
  mkdir "$dir"
  chmod 777 "$dir"
  echo bound > "$dir/f"
  chmod 644 "$dir/f"
  run skiff_run --rm --mount type=bind,source="$dir",target=/b \
    --mount type=volume,src=mvol,dst=/v \
    --mount type=tmpfs,destination=/t busybox \
    sh -c 'cat /b/f; echo vol > /v/f; grep -c " /t tmpfs " /proc/mounts'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "bound" ]
  [ "${lines[1]}" = "1" ]
  run skiff_run --rm --mount type=volume,source=mvol,target=/v busybox cat /v/f
  [ "$output" = "vol" ]
  run skiff_run --rm --mount type=bind,src="$dir",dst=/b,readonly busybox touch /b/new
  [ "$status" -ne 0 ]
  [[ "$output" == *"Read-only file system"* ]]
  [ ! -e "$dir/new" ]
}

# --- capabilities, seccomp, no_new_privs, masked paths ----------------------

@test "the default capability set is Docker's" {
  run skiff_run --rm busybox grep -E '^Cap(Prm|Eff|Bnd):' /proc/self/status
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = $'CapPrm:\t00000000a80425fb' ]
  [ "${lines[1]}" = $'CapEff:\t00000000a80425fb' ]
  [ "${lines[2]}" = $'CapBnd:\t00000000a80425fb' ]
}

@test "the inheritable and ambient capability sets are empty (CVE-2022-24769)" {
  run skiff_run --rm busybox grep -E '^Cap(Inh|Amb):' /proc/self/status
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = $'CapInh:\t0000000000000000' ]
  [ "${lines[1]}" = $'CapAmb:\t0000000000000000' ]
}

@test "run --cap-drop ALL removes every capability" {
  run skiff_run --rm --cap-drop ALL busybox sh -c 'grep CapEff /proc/self/status; chown 1 /tmp && echo chowned'
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = $'CapEff:\t0000000000000000' ]
  [[ "$output" == *"chown: /tmp: Operation not permitted"* ]]
  [[ "$output" != *chowned* ]]
}

@test "run --cap-add adds, --cap-drop drops single capabilities" {
  run skiff_run --rm --cap-drop ALL --cap-add CHOWN busybox sh -c 'grep CapEff /proc/self/status; chown 1 /tmp && echo chowned'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = $'CapEff:\t0000000000000001' ]
  [ "${lines[1]}" = "chowned" ]
  run skiff_run --rm --cap-drop chown busybox sh -c 'grep CapEff /proc/self/status; chown 1 /tmp'
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = $'CapEff:\t00000000a80425fa' ]
  run skiff_run --rm --cap-add CAP_SYS_ADMIN busybox grep CapEff /proc/self/status
  [ "$output" = $'CapEff:\t00000000a82425fb' ]
}

@test "run --privileged gets every capability and no masked paths" {
  local want
  if rootless; then
    want=$(all_caps_mask)
  else
    # Root: every capability the caller itself may hold.
    want=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  fi
  run skiff_run --rm --privileged busybox sh -c \
    'grep CapEff /proc/self/status; grep -cE " /proc/(keys|timer_list|kcore) " /proc/mounts; grep " /proc/sys " /proc/mounts || echo no-sys-mount'
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = "CapEff:	$want" ]
  [ "${lines[1]}" = "0" ]
  [ "${lines[2]}" = "no-sys-mount" ]
}

@test "the default seccomp profile blocks unshare; unconfined with SYS_ADMIN allows it" {
  run skiff_run --rm busybox grep Seccomp: /proc/self/status
  [ "$output" = $'Seccomp:\t2' ]
  run skiff_run --rm busybox unshare -m true
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  run skiff_run --rm --security-opt seccomp=unconfined --cap-add SYS_ADMIN busybox unshare -m echo unshared
  [ "$status" -eq 0 ]
  [ "$output" = "unshared" ]
  run skiff_run --rm --security-opt seccomp=unconfined busybox grep Seccomp: /proc/self/status
  [ "$output" = $'Seccomp:\t0' ]
}

@test "run --security-opt no-new-privileges sets NoNewPrivs" {
  run skiff_run --rm busybox grep NoNewPrivs /proc/self/status
  [ "$output" = $'NoNewPrivs:\t0' ]
  run skiff_run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
  [ "$output" = $'NoNewPrivs:\t1' ]
  run skiff_run --rm --security-opt no-new-privileges:true busybox grep NoNewPrivs /proc/self/status
  [ "$output" = $'NoNewPrivs:\t1' ]
}

@test "sensitive /proc paths are masked and /proc/sys is read-only" {
  local p checks=""
  for p in /proc/kcore /proc/keys /proc/timer_list; do
    [ -e "$p" ] && checks="$checks $p"
  done
  [ -n "$checks" ] || skip "none of /proc/kcore, /proc/keys, /proc/timer_list exist on this host"
  run skiff_run --rm busybox sh -c "for p in $checks; do echo \$p \$(stat -c %t:%T \$p) \$(wc -c < \$p); done; \
    echo x > /proc/sys/kernel/hostname || echo sys-write-failed; echo firmware=\$(ls /sys/firmware | wc -l)"
  for p in $checks; do
    [[ "$output" == *"$p 1:3 0"* ]] || { echo "$p is not masked: $output"; return 1; }
  done
  [[ "$output" == *"Read-only file system"* ]]
  [[ "$output" == *"sys-write-failed"* ]]
  [[ "$output" == *"firmware=0"* ]]
}

# --- networks ---------------------------------------------------------------

@test "run --network none has only lo" {
  run skiff run --rm --network none busybox cat /proc/net/dev
  [ "$status" -eq 0 ]
  local names
  names=$(tail -n +3 <<<"$output" | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')
  [ "$names" = "lo " ]
}

@test "run --network host sees the host's interfaces" {
  # Bridges and veth pairs come and go with the tests running beside this one.
  local host
  host=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | grep -Ev '^(br-|veth)' | sort | tr '\n' ' ')
  run skiff run --rm --network host busybox cat /proc/net/dev
  [ "$status" -eq 0 ]
  [ "$(tail -n +3 <<<"$output" | cut -d: -f1 | tr -d ' ' | grep -Ev '^(br-|veth)' | sort | tr '\n' ' ')" = "$host" ]
}

@test "the default network is slirp4netns's: 10.0.2.100, shown by inspect and /etc/hosts" {
  rootless || skip "as root the default network is a bridge (bridge.bats)"
  run skiff run -d --name sl busybox sleep 60
  [ "$status" -eq 0 ]
  run skiff exec sl sh -c 'ip -4 -o addr show tap0; grep nameserver /etc/resolv.conf; tail -n 1 /etc/hosts'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"inet 10.0.2.100/24"* ]]
  [[ "${lines[1]}" == "nameserver "* ]]
  [[ "${lines[-1]}" == "10.0.2.100"*"$(skiff inspect --format '{{.Config.Hostname}}' sl)" ]]
  run skiff inspect --format '{{.HostConfig.NetworkMode}} {{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}}' sl
  [ "$output" = "slirp4netns 10.0.2.100 10.0.2.2" ]
  run skiff ps --format '{{.Networks}}'
  [ "$output" = "slirp4netns" ]
}

@test "the default network and slirp4netns reach a host service at once, but not the host's loopback" {
  local ip net port
  ip=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n 1)
  [ -n "$ip" ] || skip "no global IPv4 address on this host"
  mkdir "$BATS_TEST_TMPDIR/www"
  echo served-by-host > "$BATS_TEST_TMPDIR/www/index.html"
  # Port 0: the kernel picks a free one, which the server prints.
  python3 -u -m http.server 0 --bind 0.0.0.0 --directory "$BATS_TEST_TMPDIR/www" \
    >"$BATS_TEST_TMPDIR/server.out" 2>&1 &
  local server=$!
  wait_for grep -q ' port [0-9]' "$BATS_TEST_TMPDIR/server.out"
  port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/server.out" | head -n 1)
  wait_for bash -c "echo >/dev/tcp/127.0.0.1/$port"
  # The first thing the command does is connect: the network is up when
  # it starts.
  local got=()
  for net in default slirp4netns; do
    got+=("$(skiff run --rm --network $net busybox sh -c "printf 'GET /index.html HTTP/1.0\r\n\r\n' | nc -w 5 $ip $port | tail -n 1
      printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 2 10.0.2.2 $port >/dev/null 2>&1 && echo loopback-reached || echo loopback-blocked")")
  done
  kill "$server"
  [ "${got[0]}" = "served-by-host"$'\n'"loopback-blocked" ]
  [ "${got[1]}" = "${got[0]}" ]
}

@test "run --network pasta connects through pasta" {
  run skiff run --rm --network pasta busybox sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | grep -v "^lo$"; ip -4 -o addr show tap0 2>/dev/null | grep -c 10.0.2.100 || true'
  [ "$status" -eq 0 ]
  [ -n "${lines[0]}" ]
  [ "${lines[-1]}" = "0" ]
}

@test "--network pasta or slirp4netns without the program: the error names its package, the container is not left running" {
  # Everything skiff needs on PATH but the network helpers.
  local bin=$BATS_TEST_TMPDIR/bin
  mkdir -p "$bin"
  ln -s "$(command -v newuidmap)" "$(command -v newgidmap)" "$bin/"
  local net package
  for net in pasta slirp4netns; do
    package=$([ $net = pasta ] && echo passt || echo slirp4netns)
    run env PATH="$bin" "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
      run --name "no-$net" --network $net busybox echo never
    assert_error 125 "setting up the network with $net failed: $net not found (install package $package) (use --network none or --network host, or check that /dev/net/tun is usable)"
    [[ "$output" != *never* ]]
    # A container that never ran stays "created" (moby's containerStart).
    run skiff inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' "no-$net"
    [ "$output" = "created 128 setting up the network with $net failed: $net not found (install package $package) (use --network none or --network host, or check that /dev/net/tun is usable)" ]
  done
}

@test "the default network has an interface besides lo, and lo is up" {
  run skiff run --rm busybox sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1; ip -o link show lo'
  [ "$status" -eq 0 ]
  [[ "$output" == *" lo"* ]]
  local others
  others=$(head -n -1 <<<"$output" | tr -d ' ' | grep -v '^lo$')
  [ -n "$others" ]
  [[ "${lines[-1]}" == *"UP"* ]]
}

# --- init, ulimits, stop settings -------------------------------------------

@test "run --init puts an init at PID 1 that reaps zombies" {
  run skiff_run --rm --init busybox sh -c \
    'cat /proc/1/comm; echo pid=$$; (sleep 0.1 &); sleep 1; ps -o stat,comm | grep -c "^Z" || true'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "docker-init" ]
  [ "${lines[1]}" != "pid=1" ]
  [ "${lines[2]}" = "0" ]
  run skiff_run --rm busybox sh -c 'cat /proc/1/comm; echo pid=$$'
  [ "${lines[0]}" = "sh" ]
  [ "${lines[1]}" = "pid=1" ]
}

@test "run -d --init returns at once, and stop ends the command with SIGTERM" {
  local t0 t1
  t0=$(date +%s%N)
  # (sleep 6, not longer: while run -d waits for the container to exit,
  # this test would wait that long.)
  run skiff_run -d --init --name initd busybox sleep 6
  t1=$(date +%s%N)
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  [ $(((t1 - t0) / 1000000)) -lt 3000 ] || { echo "run -d --init took $(((t1 - t0) / 1000000)) ms"; return 1; }
  run skiff inspect --format '{{.State.Status}}' initd
  [ "$output" = "running" ]
  t0=$(date +%s%N)
  run skiff stop -t 5 initd
  t1=$(date +%s%N)
  [ $(((t1 - t0) / 1000000)) -lt 3000 ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}}' initd
  [ "$output" = "exited 143" ]
}

@test "run --init: PID 1 carries neither the caller's environment nor its files" {
  export SKIFF_T_HOST_SECRET=leaked
  run skiff_run --rm --init busybox sh -c 'tr "\0" "\n" </proc/1/environ; echo sockets=$(ls -l /proc/1/fd 2>/dev/null | grep -c socket:)'
  [ "$status" -eq 0 ]
  [[ "$output" != *SKIFF_T_HOST_SECRET* ]] || { echo "host environment visible at PID 1"; return 1; }
  [[ "$output" == *"sockets=0"* ]]
}

@test "run --ulimit nofile=1024:2048 sets soft and hard limits" {
  run skiff_run --rm --ulimit nofile=1024:2048 busybox sh -c 'ulimit -n; ulimit -Hn'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1024" ]
  [ "${lines[1]}" = "2048" ]
  run skiff inspect --format '{{json .HostConfig.Ulimits}}' "$(skiff create --ulimit nofile=1024:2048 busybox)"
  [ "$(jq -c -S '.[0]' <<<"$output")" = '{"Hard":2048,"Name":"nofile","Soft":1024}' ]
}

@test "run --stop-signal and --stop-timeout show in inspect" {
  run skiff create --name stopper --stop-signal SIGUSR1 --stop-timeout 7 busybox
  [ "$status" -eq 0 ]
  run skiff inspect --format '{{.Config.StopSignal}} {{.Config.StopTimeout}}' stopper
  [ "$output" = "SIGUSR1 7" ]
}

# --- restart policies -------------------------------------------------------

@test "run --restart on-failure:2 restarts twice, then stays exited" {
  run skiff_run -d --restart on-failure:2 busybox sh -c 'echo attempt; exit 1'
  local id=$output
  run skiff inspect --format '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$id"
  [ "$output" = "on-failure 2" ]
  wait_for inspect_is "$id" '{{.RestartCount}} {{.State.Status}}' "2 exited"
  sleep 1
  run skiff inspect --format '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' "$id"
  [ "$output" = "2 exited 1" ]
  run skiff logs "$id"
  [ "$output" = $'attempt\nattempt\nattempt' ]
}

@test "run --restart always restarts until stopped" {
  run skiff_run -d --restart always busybox sh -c 'echo up; sleep 0.2'
  local id=$output
  # Three runs have printed (the count goes up before a run prints).
  wait_for log_has_lines "$id" 3
  [ "$(skiff inspect --format '{{gt .RestartCount 1}}' "$id")" = true ]
  run skiff stop "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "$id" ]
  # (That it is exited at once is checked by the next test.)
  wait_for inspect_is "$id" '{{.State.Status}}' exited
  local count
  count=$(skiff inspect --format '{{.RestartCount}}' "$id")
  sleep 1.5
  run skiff inspect --format '{{.RestartCount}} {{.State.Status}}' "$id"
  [ "$output" = "$count exited" ]
  [ "$(skiff logs "$id" | grep -c up)" -ge 3 ]
}

@test "stop of a restarting container returns once it is exited and it is not started again" {
  local i id
  for i in 1 2 3 4 5; do
    id=$(skiff_run -d --restart always busybox sh -c 'sleep 0.2')
    sleep 0.$((RANDOM % 9 + 1))
    skiff stop "$id" >/dev/null
    run skiff inspect --format '{{.State.Status}} {{.State.Pid}}' "$id"
    [ "$output" = "exited 0" ] || { echo "round $i: after stop: $output"; return 1; }
    skiff rm -f "$id" >/dev/null
  done
}

@test "--restart and --rm conflict" {
  run skiff_run --rm --restart always busybox true
  assert_error 125 "--restart"
  assert_no_containers
}

# --- cgroup limits ----------------------------------------------------------

@test "run --memory and --pids-limit set the cgroup (root) or fail naming cgroup v2 (rootless)" {
  if rootless && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    run skiff_run --rm --memory 64m busybox true
    assert_error 125 "cgroup v2"
    [ "${#lines[@]}" -eq 1 ]
    run skiff_run --rm --pids-limit 50 busybox true
    assert_error 125 "cgroup v2"
    [ "${#lines[@]}" -eq 1 ]
    return 0
  fi
  run skiff_run -d --memory 64m --pids-limit 50 busybox sleep 60
  [ "$status" -eq 0 ]
  local id=$output
  run skiff inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' "$id"
  [ "$output" = "67108864 50" ]
  if [ -d /sys/fs/cgroup/memory ]; then
    [ "$(cat /sys/fs/cgroup/memory/skiff/$id/memory.limit_in_bytes)" = "67108864" ]
    [ "$(cat /sys/fs/cgroup/pids/skiff/$id/pids.max)" = "50" ]
  else
    local cg
    cg=$(awk -F: '$1 == "0" {print $3}' "/proc/$(skiff inspect --format '{{.State.Pid}}' "$id")/cgroup")
    [ "$(cat "/sys/fs/cgroup$cg/memory.max")" = "67108864" ]
    [ "$(cat "/sys/fs/cgroup$cg/pids.max")" = "50" ]
  fi
  skiff rm -f "$id" >/dev/null
  [ ! -e "/sys/fs/cgroup/memory/skiff/$id" ]
  [ ! -e "/sys/fs/cgroup/pids/skiff/$id" ]
}

@test "a container the memory cgroup killed shows State.OOMKilled; the next start clears it" {
  if rootless && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    skip "rootless memory limits need cgroup v2"
  fi
  # tail buffers a line that never ends: it grows until the limit kills it.
  run skiff_run --name oom -m 8m busybox tail /dev/zero
  [ "$status" -eq 137 ]
  run skiff inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' oom
  [ "$output" = "true 137" ]
  skiff_run --name fine -m 8m busybox true
  run skiff inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' fine
  [ "$output" = "false 0" ]
  # kill -9 is not an OOM kill.
  skiff_run -d --name killed -m 64m busybox sleep 60 >/dev/null
  skiff kill killed >/dev/null
  skiff wait killed >/dev/null || true
  run skiff inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' killed
  [ "$output" = "false 137" ]
}

# --- malformed flags --------------------------------------------------------

@test "bad values Docker refuses at run and create are refused there, in Docker's words" {
  # moby/sys/signal's words, a daemon error: run exits 125, create 1.
  run skiff run --rm --stop-signal BOGUS busybox true
  assert_error 125 "Invalid signal: BOGUS"
  run skiff create --stop-signal SIGNOPE busybox true
  assert_error 1 "Invalid signal: SIGNOPE"
  # Without --rm: docker/cli refuses --rm with any --restart first.
  run skiff run --restart on-failure:-3 busybox true
  assert_error 125 "invalid restart policy: maximum retry count cannot be negative"
  run skiff run --restart always:3 busybox true
  assert_error 125 "invalid restart policy: maximum retry count can only be used with 'on-failure'"
  run skiff run --restart on-failure:x busybox true
  assert_error 125 "invalid restart policy format: maximum retry count must be an integer"
  run skiff run --restart :3 busybox true
  assert_error 125 "invalid restart policy format: no policy provided before colon"
  run skiff run --restart sometimes busybox true
  assert_error 125 "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
  assert_no_containers
  # What is accepted still works: a signal by number and with SIG, on-failure:0.
  skiff_run -d --name s --stop-signal 15 --restart on-failure:0 busybox sleep 60 >/dev/null
  skiff_run -d --name t --stop-signal SIGUSR1 busybox sleep 60 >/dev/null
  run skiff inspect --format '{{.Config.StopSignal}} {{.HostConfig.RestartPolicy.Name}}' s
  [ "$output" = "15 on-failure" ]
}

@test "malformed flags give one skiff: line, exit 125 and no container" {
  local args
  for args in "-v :/x" "-v relative:dir" "-v /a:/b:bogus" "-e =x" "--memory abc" "--restart bogus" \
    "--restart always:3" "--ulimit nofile=abc" "--ulimit bogus=1" "--network nosuchnet" "--mount type=foo,target=/x" \
    "--stop-timeout x" "--pids-limit x" "--security-opt foo" "-w relative" "--tmpfs relative" "--cpus abc" \
    "--bogus-flag"; do
    run skiff run $args busybox true
    [ "$status" -eq 125 ] || { echo "[$args] exit $status: $output"; return 1; }
    [[ "${lines[0]}" == "skiff: "* ]] || { echo "[$args] $output"; return 1; }
    [ "${#lines[@]}" -le 2 ] || { echo "[$args] $output"; return 1; }
    assert_no_containers || { echo "after [$args]"; return 1; }
  done
}

@test "an unknown capability is rejected before a container is made" {
  run skiff run --cap-add NOPE busybox true
  assert_error 125 "NOPE"
  [ "${#lines[@]}" -eq 1 ]
  assert_no_containers
}

@test "run --userns=keep-id keeps the caller's IDs inside (rootless) and is refused as root" {
  load_busybox
  if ! rootless; then
    run skiff run --rm --userns keep-id busybox true
    assert_error 125 "keep-id is for rootless containers"
    run skiff ps -aq
    [ -z "$output" ]
    return
  fi
  dir=$BATS_TEST_TMPDIR/keep
  mkdir -p "$dir"
  run skiff_run --rm --userns=keep-id -v "$dir:/keep" busybox sh -c 'id -u; id -g; touch /keep/made'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(id -u)" ]
  [ "${lines[1]}" = "$(id -g)" ]
  [ "$(stat -c %u:%g "$dir/made")" = "$(id -u):$(id -g)" ]
  # -u still picks another user, and exec joins the same namespace.
  run skiff_run --rm --userns=keep-id -u 0 busybox id -u
  [ "$output" = "0" ]
  id=$(skiff_run -d --userns=keep-id busybox sleep 60)
  run skiff exec "$id" id -u
  [ "$output" = "$(id -u)" ]
  run skiff run --rm --userns bogus busybox true
  assert_error 125 "invalid --userns"
}

@test "run --userns=keep-id maps every subordinate range when the user has two" {
  rootless || skip "--userns=keep-id is for rootless containers"
  local ranges
  ranges=$(grep -c "^$(id -un):" /etc/subuid)
  [ "$ranges" -ge 2 ] || skip "needs two /etc/subuid ranges for $(id -un) (run-all sets them up)"
  # An ID of the last range (past the first 65536) owns a file inside.
  local last
  last=$(( $(awk -F: -v u="$(id -un)" '$1 == u {n += $3} END {print n}' /etc/subuid) - 1 ))
  run skiff_run --rm --userns=keep-id -u 0 busybox sh -c "
    cat /proc/self/uid_map | wc -l; touch /tmp/f && chown $last /tmp/f && stat -c %u /tmp/f"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" -ge 4 ]
  [ "${lines[1]}" = "$last" ]
}
