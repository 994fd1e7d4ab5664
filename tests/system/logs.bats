#!/usr/bin/env bats
# The json-file log under load: the supervisor's buffered writes (complete,
# in order, few write calls, prompt for a follower), --tail on a large log,
# and --log-driver.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  load_busybox
}

# The PID of a running container's supervisor (its init's parent).
supervisor_pid() {
  local pid
  pid=$(skiff inspect --format '{{.State.Pid}}' "$1")
  awk '{print $4}' "/proc/$pid/stat"
}

# A field of /proc/PID/io.
proc_io() {
  awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/io"
}

@test "a chatty container's output is all in logs, in order, each stream apart" {
  skiff run -d --network none --name chatty busybox sh -c 'seq 1 200000; seq 1 50000 >&2; exit 3' >/dev/null
  run skiff wait chatty
  [ "$output" = 3 ]
  # Right after the exit is recorded: everything was written before.
  skiff logs chatty >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
  seq 1 200000 | cmp - "$BATS_TEST_TMPDIR/out"
  seq 1 50000 | cmp - "$BATS_TEST_TMPDIR/err"
  local log
  log=$(skiff inspect --format '{{.LogPath}}' chatty)
  [ "$(wc -l <"$log")" -eq 250000 ]
  # One JSON object per line, in moby's shape.
  run head -1 "$log"
  [[ "$output" =~ ^\{\"log\":\"1\\n\",\"stream\":\"stdout\",\"time\":\"[0-9-]+T[0-9:.]+Z\"\}$ ]]
}

@test "the supervisor writes the log in large pieces, not a write per line" {
  skiff run -d --network none --name burst busybox sh -c 'seq 1 100000; echo done; exec sleep 100' >/dev/null
  wait_for sh -c "'$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' logs --tail 1 burst | grep -qx done"
  local sup writes
  sup=$(supervisor_pid burst)
  writes=$(proc_io "$sup" syscw)
  # 100001 lines (7.5 MB of JSON) in 64 KiB writes: about 120 of them, plus
  # state records and timed flushes.
  [ "$writes" -lt 2000 ] || { echo "supervisor made $writes write calls"; return 1; }
  run skiff logs burst
  [ "${#lines[@]}" -eq 100001 ]
}

@test "logs -f of a chatty container gets every line whole" {
  skiff run -d --network none --name flood busybox sh -c 'seq 1 300000; seq 1 1000 >&2' >/dev/null
  skiff logs -f flood >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
  seq 1 300000 | cmp - "$BATS_TEST_TMPDIR/out"
  seq 1 1000 | cmp - "$BATS_TEST_TMPDIR/err"
}

@test "logs -f prints a line within 100 ms of the container printing it" {
  skiff run -d --network none --name tick busybox \
    sh -c 'sleep 1; for i in 1 2 3 4 5 6 7 8 9 10 11; do echo tick$i; sleep 0.2; done' >/dev/null
  # Each line as it arrives, with the time the supervisor read it (-t).
  local arrived ts line
  while IFS=' ' read -r ts line; do
    arrived=$(date +%s%N)
    echo "$(((arrived - $(date -d "$ts" +%s%N)) / 1000000)) $line"
  done < <(skiff logs -f -t tick) >"$BATS_TEST_TMPDIR/delays"
  cat "$BATS_TEST_TMPDIR/delays"
  [ "$(wc -l <"$BATS_TEST_TMPDIR/delays")" -eq 11 ]
  [ "$(tail -1 "$BATS_TEST_TMPDIR/delays" | cut -d' ' -f2)" = tick11 ]
  # The median, so that one line delayed by a loaded machine does not fail it.
  local median
  median=$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/delays" | sort -n | sed -n 6p)
  [ "$median" -lt 100 ]
}

@test "logs --tail reads a large log from its end; logs writes in large pieces" {
  skiff run --network none --name big busybox seq 1 300000 >/dev/null
  local log
  log=$(skiff inspect --format '{{.LogPath}}' big)
  [ "$(stat -c %s "$log")" -gt 20000000 ]
  run skiff logs --tail 3 big
  [ "$output" = $'299998\n299999\n300000' ]
  # More than one 64 KiB block back from the end.
  skiff logs --tail 2000 big | cmp - <(seq 298001 300000)
  run skiff logs --tail 0 big
  [ "$output" = "" ]
  # What the command read, counted by the kernel: the tail, not the log.
  run bash -c '"$0" --root "$1" --runroot "$2" logs --tail 10 big >/dev/null && awk "\$1 == \"rchar:\" {print \$2}" /proc/$$/io' \
    "$SKIFF_BIN" "$BATS_TEST_TMPDIR/root" "$BATS_TEST_TMPDIR/run"
  [ "$status" -eq 0 ]
  [ "$output" -lt 2000000 ] || { echo "read $output bytes"; return 1; }
  # The whole log is printed in large writes, not one per line.
  run bash -c '"$0" --root "$1" --runroot "$2" logs big >/dev/null && awk "\$1 == \"syscw:\" {print \$2}" /proc/$$/io' \
    "$SKIFF_BIN" "$BATS_TEST_TMPDIR/root" "$BATS_TEST_TMPDIR/run"
  [ "$status" -eq 0 ]
  [ "$output" -lt 1000 ] || { echo "$output write calls"; return 1; }
}

@test "logs --tail counts lines before --since and --until filter them, as Docker" {
  skiff run --network none --name tu busybox echo first >/dev/null
  sleep 0.2
  local mid
  mid=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  sleep 0.2
  skiff start -a tu >/dev/null
  run skiff logs --since "$mid" --tail 2 tu
  [ "$output" = first ]
  # The last line is after --until: nothing is left of the tail.
  run skiff logs --until "$mid" --tail 1 tu
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run skiff logs --until "$mid" tu
  [ "$output" = first ]
}

@test "logs -t prints Docker's fixed nine-digit fraction" {
  skiff run --network none --name ts busybox sh -c 'for i in 1 2 3 4 5; do echo l$i; done' >/dev/null
  run skiff logs -t ts
  [ "${#lines[@]}" -eq 5 ]
  local l
  for l in "${lines[@]}"; do
    [[ "$l" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ l[1-5]$ ]] || { echo "$l"; return 1; }
  done
}

@test "--log-driver none keeps no log; logs refuses as Docker does" {
  run skiff run --network none --log-driver none --name nolog busybox sh -c 'echo out; echo err >&2'
  [ "$status" -eq 0 ]
  [[ "$output" == *out* && "$output" == *err* ]]
  run skiff inspect --format '{{.HostConfig.LogConfig.Type}}|{{.LogPath}}' nolog
  [ "$output" = "none|" ]
  local id
  id=$(skiff inspect --format '{{.Id}}' nolog)
  [ ! -e "$BATS_TEST_TMPDIR/root/containers/$id/$id-json.log" ]
  run skiff logs nolog
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: configured logging driver does not support reading" ]
  run skiff logs -f nolog
  [ "$status" -eq 1 ]
  # It stays none across starts, and start -a still shows the output.
  run skiff start -a nolog
  [[ "$output" == *out* ]]
  [ ! -e "$BATS_TEST_TMPDIR/root/containers/$id/$id-json.log" ]
}

@test "the log is <id>-json.log as Docker's; a container an older skiff made keeps its ctr.log" {
  skiff run --network none --name newlog busybox echo fresh >/dev/null
  local id
  id=$(skiff inspect --format '{{.Id}}' newlog)
  [[ "$(cat "$BATS_TEST_TMPDIR/root/containers/$id/$id-json.log")" == '{"log":"fresh\n","stream":"stdout","time":'* ]]
  # As an older skiff left it: the log named ctr.log.
  mv "$BATS_TEST_TMPDIR/root/containers/$id/$id-json.log" "$BATS_TEST_TMPDIR/root/containers/$id/ctr.log"
  run skiff logs newlog
  [ "$output" = fresh ]
  run skiff inspect --format '{{.LogPath}}' newlog
  [ "$output" = "$BATS_TEST_TMPDIR/root/containers/$id/ctr.log" ]
  skiff start -a newlog >/dev/null
  run skiff logs newlog
  [ "$output" = $'fresh\nfresh' ]
  [ ! -e "$BATS_TEST_TMPDIR/root/containers/$id/$id-json.log" ]
}

@test "--log-driver json-file is the default; an unknown driver is refused" {
  skiff create --network none --name deflog busybox true >/dev/null
  skiff create --network none --log-driver json-file --name jsonlog busybox true >/dev/null
  run skiff inspect --format '{{.HostConfig.LogConfig.Type}}' deflog jsonlog
  [ "$output" = $'json-file\njson-file' ]
  local id
  id=$(skiff inspect --format '{{.Id}}' deflog)
  run skiff inspect --format '{{.LogPath}}' deflog
  [ "$output" = "$BATS_TEST_TMPDIR/root/containers/$id/$id-json.log" ]
  run skiff run --network none --log-driver syslog --name bad busybox true
  assert_error 125 "logger: no log driver named 'syslog' is registered"
  # The daemon's error: create exits 1 on it (docker/cli), run 125.
  run skiff create --log-driver k8s-file busybox true
  assert_error 1 "logger: no log driver named 'k8s-file' is registered"
  run skiff ps -a --format '{{.Names}}'
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "deflog jsonlog " ]
}
