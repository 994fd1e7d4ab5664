#!/usr/bin/env bats
# The container lifecycle: create, start, stop, restart, kill, rm, wait,
# rename, prune; listing (ps), logs and inspect; names; many containers at
# once; and a supervisor that dies.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  load_busybox
}

# Succeeds when `inspect --format FORMAT ID` prints WANT.
inspect_is() {
  [ "$(skiff inspect --format "$2" "$1")" = "$3" ]
}

# Milliseconds since the epoch.
now_ms() {
  echo $(($(date +%s%N) / 1000000))
}

# A detached container without a network (pasta's start is not under test
# here); prints its ID.
run_bg() {
  skiff run -d --network none "$@"
}

# A shell loop that exits 0 on SIGTERM, saying so.
TRAP_TERM='trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.1; done'

# --- create, start, stop, restart, kill -------------------------------------

@test "create makes a created container; start runs it" {
  run skiff create --network none --name c1 busybox sleep 60
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  local id=$output
  run skiff inspect --format '{{.State.Status}} {{.State.Running}} {{.State.Pid}}' c1
  [ "$output" = "created false 0" ]
  run skiff ps -a --format '{{.Status}}'
  [ "$output" = "Created" ]
  run skiff start c1
  [ "$status" -eq 0 ]
  [ "$output" = "c1" ]
  run skiff inspect --format '{{.State.Status}} {{.State.Running}}' "$id"
  [ "$output" = "running true" ]
  [ "$(skiff inspect --format '{{.State.Pid}}' c1)" -gt 0 ]
  run skiff ps --format '{{.Names}} {{.Status}}'
  [[ "$output" == "c1 Up "* ]]
}

@test "start -a prints the output and returns the exit code" {
  skiff create --network none --name att busybox sh -c 'echo to-out; echo to-err >&2; exit 4' >/dev/null
  run --separate-stderr skiff start -a att
  [ "$status" -eq 4 ]
  [ "$output" = "to-out" ]
  [ "$stderr" = "to-err" ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}}' att
  [ "$output" = "exited 4" ]
  # A second start -a runs it again.
  run skiff start -a att
  [ "$status" -eq 4 ]
  [[ "$output" == *to-out* ]]
}

@test "stop sends SIGTERM: a process that traps it exits 0 quickly" {
  run_bg --name term busybox sh -c "$TRAP_TERM" >/dev/null
  wait_for inspect_is term '{{.State.Status}}' running
  wait_for sh -c "'$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' logs term | grep -q ready"
  local t0 t1
  t0=$(now_ms)
  run skiff stop term
  t1=$(now_ms)
  [ "$status" -eq 0 ]
  [ "$output" = "term" ]
  [ $((t1 - t0)) -lt 3000 ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}' term
  [ "$output" = "exited 0 false" ]
  run skiff logs term
  [ "${lines[-1]}" = "got-term" ]
}

@test "stop -t 1 kills a process ignoring SIGTERM after a second (137)" {
  run_bg --name stubborn busybox sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
  wait_for inspect_is stubborn '{{.State.Status}}' running
  local t0 t1
  t0=$(now_ms)
  run skiff stop -t 1 stubborn
  t1=$(now_ms)
  [ "$status" -eq 0 ]
  [ "$output" = "stubborn" ]
  [ $((t1 - t0)) -ge 1000 ] || { echo "stop took $((t1 - t0)) ms"; return 1; }
  [ $((t1 - t0)) -lt 5000 ] || { echo "stop took $((t1 - t0)) ms"; return 1; }
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}}' stubborn
  [ "$output" = "exited 137" ]
  run skiff ps -a --format '{{.Status}}'
  [[ "$output" == "Exited (137) "*" ago" ]]
}

@test "stop of a stopped container succeeds and changes nothing" {
  run skiff run --network none --name done busybox sh -c 'exit 2'
  [ "$status" -eq 2 ]
  run skiff stop done
  [ "$status" -eq 0 ]
  [ "$output" = "done" ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}}' done
  [ "$output" = "exited 2" ]
}

@test "restart starts the container again with a new StartedAt" {
  run_bg --name rs busybox sh -c "$TRAP_TERM" >/dev/null
  wait_for inspect_is rs '{{.State.Status}}' running
  local before pid
  before=$(skiff inspect --format '{{.State.StartedAt}}' rs)
  pid=$(skiff inspect --format '{{.State.Pid}}' rs)
  sleep 0.1
  run skiff restart rs
  [ "$status" -eq 0 ]
  [ "$output" = "rs" ]
  run skiff inspect --format '{{.State.Status}} {{.State.StartedAt}} {{.State.Pid}}' rs
  local status_ started pid2
  read -r status_ started pid2 <<<"$output"
  [ "$status_" = "running" ]
  [ "$started" != "$before" ]
  [[ "$started" > "$before" ]]
  [ "$pid2" != "$pid" ]
  [[ "$started" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
}

@test "kill -s USR1 reaches the process; kill defaults to SIGKILL (137)" {
  run_bg --name k busybox sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_for inspect_is k '{{.State.Status}}' running
  sleep 0.3
  run skiff kill -s USR1 k
  [ "$status" -eq 0 ]
  [ "$output" = "k" ]
  wait_for sh -c "'$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' logs k | grep -q got-usr1"
  run skiff inspect --format '{{.State.Status}}' k
  [ "$output" = "running" ]
  run skiff kill k
  [ "$status" -eq 0 ]
  run skiff wait k
  [ "$output" = "137" ]
  run skiff ps -a --format '{{.Status}}'
  [[ "$output" == "Exited (137) "* ]]
}

@test "kill of a stopped container fails" {
  skiff create --name idle busybox >/dev/null
  run skiff kill idle
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*"not running"* ]]
}

# --- rm, wait, rename, prune ------------------------------------------------

@test "rm refuses a running container unless -f" {
  run_bg --name busy busybox sleep 60 >/dev/null
  run skiff rm busy
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "* ]]
  [[ "$output" == *"Stop the container before attempting removal or force remove" ]]
  run skiff ps --format '{{.Names}}'
  [ "$output" = "busy" ]
  run skiff rm -f busy
  [ "$status" -eq 0 ]
  [ "$output" = "busy" ]
  run skiff ps -a -q
  [ "$output" = "" ]
}

@test "rm takes several containers and reports each" {
  skiff create --name a busybox >/dev/null
  skiff create --name b busybox >/dev/null
  local c
  c=$(skiff create busybox)
  run skiff rm a "${c:0:12}" b
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "a" ]
  [ "${lines[1]}" = "${c:0:12}" ]
  [ "${lines[2]}" = "b" ]
  run skiff ps -a -q
  [ "$output" = "" ]
  # An unknown name fails, the others are still removed.
  skiff create --name d busybox >/dev/null
  run skiff rm nosuch d
  [ "$status" -eq 1 ]
  [[ "$output" == *"skiff: "*nosuch* ]]
  [ "$(skiff ps -a -q)" = "" ]
}

@test "wait prints the exit code" {
  run_bg --name w busybox sh -c 'sleep 0.5; exit 5' >/dev/null
  run skiff wait w
  [ "$status" -eq 0 ]
  [ "$output" = "5" ]
  run skiff inspect --format '{{.State.Status}}' w
  [ "$output" = "exited" ]
  run skiff wait w
  [ "$output" = "5" ]
}

@test "rename changes the name and frees the old one; ID prefixes work" {
  local id
  id=$(skiff create --name old busybox)
  run skiff rename old new
  [ "$status" -eq 0 ]
  run skiff inspect --format '{{.Name}}' "$id"
  [ "$output" = "/new" ]
  run skiff ps -a --format '{{.Names}}'
  [ "$output" = "new" ]
  run skiff create --name old busybox
  [ "$status" -eq 0 ]
  run skiff rename "${id:0:6}" newer
  [ "$status" -eq 0 ]
  run skiff inspect --format '{{.Name}}' "${id:0:6}"
  [ "$output" = "/newer" ]
}

@test "rename of an unknown container, to a taken name, and by an ambiguous prefix fail" {
  skiff create --name one busybox >/dev/null
  skiff create --name two busybox >/dev/null
  run skiff rename nosuch x
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*nosuch* ]]
  run skiff rename one two
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*"already in use"* ]]
  [ "$(skiff inspect --format '{{.Name}}' one)" = "/one" ]
  # 17 IDs certainly share a first hex digit.
  local i
  for i in $(seq 15); do skiff create busybox >/dev/null; done
  local p
  p=$(skiff ps -a -q | cut -c1 | sort | uniq -d | head -1)
  run skiff rename "$p" x
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*"ambiguous"* ]]
  run skiff inspect --type container x
  [ "$status" -ne 0 ]
}

@test "rename errors exit 1 as docker's do" {
  skiff create --name one busybox >/dev/null
  skiff create --name two busybox >/dev/null
  run skiff rename nosuch x
  assert_error 1 "nosuch"
  run skiff rename one two
  assert_error 1 "already in use"
}

@test "container prune -f removes stopped containers only" {
  run_bg --name up busybox sleep 60 >/dev/null
  skiff run --network none --name ex busybox true
  skiff create --name cr busybox >/dev/null
  local ex cr
  ex=$(skiff inspect --format '{{.Id}}' ex)
  cr=$(skiff inspect --format '{{.Id}}' cr)
  run skiff container prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Containers:" ]
  [[ "$output" == *"$ex"* ]]
  [[ "$output" == *"$cr"* ]]
  [[ "$output" == *"Total reclaimed space:"* ]]
  run skiff ps -a --format '{{.Names}}'
  [ "$output" = "up" ]
}

@test "container prune asks first and answering n keeps everything" {
  skiff run --network none --name ex busybox true
  local out rc
  out=$(echo n | "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" container prune 2>&1)
  rc=$?
  [ "$rc" -eq 0 ]
  [[ "$out" == *"[y/N]"* ]]
  [[ "$out" != *"Deleted"* ]]
  run skiff ps -a --format '{{.Names}}'
  [ "$output" = "ex" ]
  out=$(echo y | "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" container prune 2>&1)
  [[ "$out" == *"Deleted Containers:"* ]]
  [ "$(skiff ps -a -q)" = "" ]
}

# --- ps ---------------------------------------------------------------------

@test "ps prints docker's default header and status strings" {
  run skiff ps
  [ "$status" -eq 0 ]
  [ "$output" = "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES" ]
  skiff create --name cr busybox >/dev/null
  skiff run --network none --name ex busybox true
  run_bg --name up busybox sleep 60 >/dev/null
  run skiff ps -a
  [ "${#lines[@]}" -eq 4 ]
  read -r -a cols <<<"$(sed 's/CONTAINER ID/CONTAINER_ID/' <<<"${lines[0]}")"
  [ "${cols[*]}" = "CONTAINER_ID IMAGE COMMAND CREATED STATUS PORTS NAMES" ]
  [[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +busybox\ +\"sleep\ 60\"\ +.*\ +Up\ .*\ up$ ]]
  [[ "${lines[2]}" =~ ^[0-9a-f]{12}\ +busybox\ +\"true\"\ +.*\ +Exited\ \(0\)\ .*\ ago\ +ex$ ]]
  [[ "${lines[3]}" =~ ^[0-9a-f]{12}\ +busybox\ +\"sh\"\ +.*\ +Created\ +cr$ ]]
  # Without -a only the running one.
  run skiff ps
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[1]}" == *" up" ]]
}

@test "ps -q prints 12-character IDs, --no-trunc 64" {
  local a b
  a=$(skiff create busybox)
  b=$(skiff create busybox)
  run skiff ps -a -q
  [ "${#lines[@]}" -eq 2 ]
  [ "${lines[0]}" = "${b:0:12}" ]
  [ "${lines[1]}" = "${a:0:12}" ]
  run skiff ps -a -q --no-trunc
  [ "${lines[0]}" = "$b" ]
  [ "${lines[1]}" = "$a" ]
  run skiff ps -a --no-trunc --format '{{.ID}}'
  [ "${#lines[0]}" -eq 64 ]
}

@test "ps -l and -n show the latest containers in every state" {
  skiff create --name first busybox >/dev/null
  skiff create --name second busybox >/dev/null
  skiff create --name third busybox >/dev/null
  run skiff ps -l --format '{{.Names}}'
  [ "$output" = "third" ]
  run skiff ps -n 2 --format '{{.Names}}'
  [ "$output" = $'third\nsecond' ]
  run skiff ps --latest -q
  [ "${#lines[@]}" -eq 1 ]
}

@test "ps --filter name, id, status, label, ancestor, exited" {
  run_bg --name runner -l tier=web busybox sleep 60 >/dev/null
  run -3 skiff run --network none --name three -l tier=db busybox sh -c 'exit 3'
  skiff run --network none --name zero busybox true
  skiff create --name fresh busybox >/dev/null
  local id
  id=$(skiff inspect --format '{{.Id}}' three)
  f() { skiff ps -a --filter "$@" --format '{{.Names}}' | sort | tr '\n' ' '; }
  [ "$(f name=runn)" = "runner " ]
  [ "$(f id="${id:0:8}")" = "three " ]
  [ "$(f status=exited)" = "three zero " ]
  [ "$(f status=running)" = "runner " ]
  [ "$(f status=created)" = "fresh " ]
  [ "$(f label=tier)" = "runner three " ]
  [ "$(f label=tier=db)" = "three " ]
  [ "$(f ancestor=busybox)" = "fresh runner three zero " ]
  [ "$(f ancestor=busybox:latest)" = "fresh runner three zero " ]
  [ "$(f exited=3)" = "three " ]
  [ "$(f exited=0)" = "zero " ]
  # Filters combine with AND.
  [ "$(skiff ps -a --filter status=exited --filter label=tier --format '{{.Names}}')" = "three" ]
  run skiff ps --filter bogus=1
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*bogus* ]]
}

@test "ps --filter as moby's daemon: before, since, volume, network, is-task; only status= implies -a; bad filters fail first" {
  # moby daemon/list.go (acceptedPsFilterTags, foldFilter, includeContainerInList).
  run skiff ps --filter bogus=1
  assert_error 1 "invalid filter 'bogus'"
  [ "${#lines[@]}" -eq 1 ]
  run skiff ps --filter name
  assert_error 125 'invalid argument "name" for "-f, --filter" flag: bad format of filter (expected name=value)'
  run skiff ps --filter is-task=maybe
  assert_error 1 "invalid filter 'is-task=maybe'"
  run skiff ps --filter before=nosuch
  assert_error 1 "No such container: nosuch"
  skiff create --name first -v fvol:/data busybox >/dev/null
  run_bg --name second busybox sleep 60 >/dev/null
  skiff create --name third --network none -l a=1 -l b=2 busybox >/dev/null
  f() { skiff ps "$@" --format '{{.Names}}' | sort | tr '\n' ' '; }
  # Without -a only running containers, whatever the filter; status= shows all.
  [ "$(f --filter name=i)" = "" ]
  [ "$(f --filter name=e)" = "second " ]
  [ "$(f --filter status=created)" = "first third " ]
  [ "$(f -a --filter before=second)" = "first " ]
  [ "$(f -a --filter since=second)" = "third " ]
  [ "$(f -a --filter since=first --filter before=third)" = "second " ]
  [ "$(f -a --filter volume=fvol)" = "first " ]
  [ "$(f -a --filter volume=/data)" = "first " ]
  [ "$(f -a --filter network=none)" = "second third " ]
  # The default network: a bridge as root, libslirp's rootless.
  if rootless; then
    [ "$(f -a --filter network=slirp4netns)" = "first " ]
  else
    [ "$(f -a --filter network=bridge)" = "first " ]
  fi
  [ "$(f -a --filter is-task=false)" = "first second third " ]
  [ "$(f -a --filter is-task=true)" = "" ]
  [ "$(f -a --filter isolation=default)" = "first second third " ]
  # Every label= must hold; other keys take any of their values.
  [ "$(f -a --filter label=a --filter label=b=2)" = "third " ]
  [ "$(f -a --filter label=a --filter label=b=3)" = "" ]
  [ "$(f -a --filter name=first --filter name=third)" = "first third " ]
}

@test "ps --filter name= takes a regular expression, as docker's does" {
  skiff create --name web busybox >/dev/null
  skiff create --name web2 busybox >/dev/null
  run skiff ps -a --filter 'name=^web$' --format '{{.Names}}'
  [ "$output" = "web" ]
  run skiff ps -a --filter 'name=b[0-9]' --format '{{.Names}}'
  [ "$output" = "web2" ]
}

@test "ps --format templates and tables" {
  run -3 skiff run --network none --name ex busybox sh -c 'exit 3'
  run skiff ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" =~ ^ex\ Exited\ \(3\)\ .*\ ago$ ]]
  run skiff ps -a --format 'table {{.Names}}\t{{.Image}}'
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" =~ ^NAMES\ +IMAGE$ ]]
  [[ "${lines[1]}" =~ ^ex\ +busybox$ ]]
  run skiff ps -a --format table
  [[ "${lines[0]}" == "CONTAINER ID   IMAGE "* ]]
  [[ "${lines[1]}" == *" ex" ]]
  run skiff ps -a --format json
  [ "$(jq -r .Names <<<"$output")" = "ex" ]
}

@test "ps --format {{.Label KEY}} prints one label" {
  skiff create --name lb -l a=1 -l b=2 busybox >/dev/null
  run skiff ps -a --format '{{.Labels}}'
  [ "$output" = "a=1,b=2" ]
  run skiff ps -a --format '{{.Label "b"}}'
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "$output" = "2" ]
}

# --- logs -------------------------------------------------------------------

@test "logs prints the output; stderr goes to stderr" {
  skiff run --network none --name lg busybox sh -c 'echo one; echo two >&2; echo three' >/dev/null 2>&1
  run --separate-stderr skiff logs lg
  [ "$status" -eq 0 ]
  [ "$output" = $'one\nthree' ]
  [ "$stderr" = "two" ]
}

@test "logs -t prefixes RFC 3339 timestamps" {
  skiff run --network none --name lg busybox sh -c 'echo one; echo two' >/dev/null
  run skiff logs -t lg
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})\ one$ ]]
  [[ "${lines[1]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})\ two$ ]]
}

@test "logs --tail N prints the last N lines" {
  skiff run --network none --name lg busybox sh -c 'for i in 1 2 3 4 5; do echo line$i; done' >/dev/null
  run skiff logs --tail 2 lg
  [ "$output" = $'line4\nline5' ]
  run skiff logs -n 0 lg
  [ "$output" = "" ]
  run skiff logs --tail all lg
  [ "${#lines[@]}" -eq 5 ]
}

@test "logs accumulate across restarts; --since and --until select by time" {
  skiff run --network none --name lg busybox sh -c 'echo run' >/dev/null
  sleep 0.2
  local mid
  mid=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  sleep 0.2
  run skiff start -a lg
  [ "$output" = "run" ]
  run skiff logs lg
  [ "$output" = $'run\nrun' ]
  run skiff logs --since "$mid" lg
  [ "$output" = "run" ]
  run skiff logs --until "$mid" lg
  [ "$output" = "run" ]
  run skiff logs --since 1h lg
  [ "${#lines[@]}" -eq 2 ]
  run skiff logs --until 1h lg
  [ "$output" = "" ]
  run skiff logs --since 2099-01-01T00:00:00Z lg
  [ "$output" = "" ]
  run skiff logs --since yesterday-ish lg
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*since* ]]
  # restart, too, appends to the same log.
  skiff restart lg >/dev/null
  skiff wait lg >/dev/null
  run skiff logs lg
  [ "$output" = $'run\nrun\nrun' ]
}

@test "logs -f follows a running container until it exits" {
  run_bg --name fol busybox sh -c 'for i in 1 2 3; do echo line$i; sleep 0.3; done' >/dev/null
  run skiff logs -f fol
  [ "$status" -eq 0 ]
  [ "$output" = $'line1\nline2\nline3' ]
  run skiff inspect --format '{{.State.Status}}' fol
  [ "$output" = "exited" ]
}

@test "logs of an unknown container fails" {
  run skiff logs nosuch
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*nosuch* ]]
}

# --- inspect ----------------------------------------------------------------

@test "inspect prints a JSON array in the Engine API shape" {
  local id
  id=$(skiff create --name insp busybox sh -c 'exit 0')
  run skiff inspect insp
  [ "$status" -eq 0 ]
  [ "$(jq -r 'type' <<<"$output")" = "array" ]
  [ "$(jq -r 'length' <<<"$output")" = "1" ]
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$id" ]
  [ "$(jq -r '.[0].Name' <<<"$output")" = "/insp" ]
  [ "$(jq -r '.[0].State.Status' <<<"$output")" = "created" ]
  [ "$(jq -r '.[0].Config.Image' <<<"$output")" = "busybox" ]
  [ "$(jq -c '.[0].Config.Cmd' <<<"$output")" = '["sh","-c","exit 0"]' ]
  skiff start -a insp
  run skiff inspect insp
  [ "$(jq -r '.[0].State.Status' <<<"$output")" = "exited" ]
  [ "$(jq -r '.[0].State.ExitCode' <<<"$output")" = "0" ]
}

@test "inspect --format, --type and unknown objects" {
  run_bg --name live busybox sleep 60 >/dev/null
  skiff create --name idle busybox >/dev/null
  run skiff inspect --format '{{.State.Running}}' live idle
  [ "$output" = $'true\nfalse' ]
  run skiff inspect -f '{{.Name}}' live
  [ "$output" = "/live" ]
  run skiff inspect --type image --format '{{.Id}}' busybox
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  run skiff inspect --type container busybox
  [ "$status" -eq 1 ]
  [[ "$output" == *"skiff: "*busybox* ]]
  run skiff inspect --type image live
  [ "$status" -eq 1 ]
  run skiff inspect nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"skiff: "*"nosuch"* ]]
  run skiff inspect --type bogus live
  [ "$status" -ne 0 ]
  [[ "$output" == *"skiff: "*bogus* ]]
}

# --- names, many containers, dying supervisors ------------------------------

@test "generated names look like adjective_surname and are unique" {
  local i
  for i in 1 2 3 4 5; do skiff create busybox >/dev/null; done
  run skiff ps -a --format '{{.Names}}'
  [ "${#lines[@]}" -eq 5 ]
  for i in "${lines[@]}"; do
    [[ "$i" =~ ^[a-z]+_[a-z]+$ ]] || { echo "bad name $i"; return 1; }
  done
  [ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 5 ]
}

@test "20 parallel run -d then parallel rm -f leave nothing behind" {
  local i pids=()
  for i in $(seq 20); do
    skiff run -d busybox sleep 60 >"$BATS_TEST_TMPDIR/id.$i" 2>"$BATS_TEST_TMPDIR/err.$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i"; done
  cat "$BATS_TEST_TMPDIR"/err.*
  [ -z "$(cat "$BATS_TEST_TMPDIR"/err.*)" ]
  run skiff ps -q
  [ "${#lines[@]}" -eq 20 ]
  pids=()
  for i in $(seq 20); do
    skiff rm -f "$(cat "$BATS_TEST_TMPDIR/id.$i")" >/dev/null 2>"$BATS_TEST_TMPDIR/rmerr.$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i"; done
  [ -z "$(cat "$BATS_TEST_TMPDIR"/rmerr.*)" ] || { cat "$BATS_TEST_TMPDIR"/rmerr.*; return 1; }
  run skiff ps -a -q
  [ "$output" = "" ]
  run ls -A "$BATS_TEST_TMPDIR/root/containers"
  [ "$output" = "" ]
  run grep -c "$BATS_TEST_TMPDIR" /proc/self/mountinfo
  [ "$output" = "0" ]
}

# PIDs and command lines of the processes that are in, or hold an fd to,
# the network namespace NS ("net:[inode]").
ns_holders() {
  local pat=${1//[/\\[} p
  pat=${pat//]/\\]}
  for p in $(find /proc/[0-9]*/ns/net /proc/[0-9]*/fd -maxdepth 1 -lname "$pat" 2>/dev/null | cut -d/ -f3 | sort -u); do
    echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
  done
}

# Waits up to ~5 s until nothing holds the network namespace NS.
wait_ns_released() {
  local i
  for i in $(seq 25); do
    [ -z "$(ns_holders "$1")" ] && return 0
    sleep 0.2
  done
  echo "still held: $(ns_holders "$1")"
  return 1
}

@test "no network helper (slirp4netns, pasta) outlives its container's network namespace" {
  run skiff run -d busybox sleep 60
  local id=$output pid ns
  pid=$(skiff inspect --format '{{.State.Pid}}' "$id")
  ns=$(readlink "/proc/$pid/ns/net")
  [[ "$ns" == net:* ]]
  skiff rm -f "$id" >/dev/null
  wait_ns_released "$ns"
  # A container that exits by itself, too.
  run skiff run -d busybox sleep 0.5
  id=$output
  pid=$(skiff inspect --format '{{.State.Pid}}' "$id")
  ns=$(readlink "/proc/$pid/ns/net")
  skiff wait "$id" >/dev/null
  wait_ns_released "$ns"
  local net
  for net in pasta slirp4netns; do
    run skiff run -d --network $net busybox sleep 60
    id=$output
    pid=$(skiff inspect --format '{{.State.Pid}}' "$id")
    ns=$(readlink "/proc/$pid/ns/net")
    skiff rm -f "$id" >/dev/null
    wait_ns_released "$ns"
  done
}

@test "parallel creates with one name: exactly one wins" {
  local i pids=()
  for i in $(seq 8); do
    skiff create --name same busybox >/dev/null 2>&1 &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  run skiff ps -a --format '{{.Names}}'
  [ "$output" = "same" ]
}

@test "a killed supervisor leaves the container shown as exited" {
  run_bg --name sv busybox sleep 60 >/dev/null
  wait_for inspect_is sv '{{.State.Status}}' running
  local pid sup
  pid=$(skiff inspect --format '{{.State.Pid}}' sv)
  sup=$(awk '{print $4}' "/proc/$pid/stat")
  [ "$sup" -gt 1 ]
  kill -9 "$sup"
  wait_for sh -c "! kill -0 $sup 2>/dev/null || grep -q '^State:.*Z' /proc/$sup/status"
  run skiff ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "sv Exited "* ]]
  run skiff inspect --format '{{.State.Status}} {{.State.Running}}' sv
  [ "$output" = "exited false" ]
  # The container's process does not outlive its supervisor.
  wait_for sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status"
  run skiff rm sv
  [ "$status" -eq 0 ]
  [ "$(skiff ps -a -q)" = "" ]
}

# The default network's helper is a child of the supervisor.
slirp_helper_of() {
  pgrep -P "$1" -x skiff-slirp
}

@test "the default network's helper is confined and ends with its container" {
  rootless || skip "as root the default network is a bridge"
  run skiff run -d --name dn busybox sleep 60
  [ "$status" -eq 0 ]
  local pid sup helper
  pid=$(skiff inspect --format '{{.State.Pid}}' dn)
  sup=$(awk '{print $4}' "/proc/$pid/stat")
  helper=$(slirp_helper_of "$sup")
  [ -n "$helper" ]
  # No capabilities, no new privileges, a seccomp filter.
  grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$helper/status"
  grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$helper/status"
  grep -q '^Seccomp:[[:space:]]*2$' "/proc/$helper/status"
  # Its root holds only the host's /etc and /run.
  if ls "/proc/$helper/root/" >/dev/null 2>&1; then
    [ "$(ls "/proc/$helper/root/" | tr '\n' ' ')" = "etc run " ]
  fi
  skiff stop -t 0 dn >/dev/null
  wait_for sh -c "! kill -0 $helper 2>/dev/null"
}

@test "the default network's helper ends with a supervisor killed with -9" {
  rootless || skip "as root the default network is a bridge"
  run skiff run -d --name dnk busybox sleep 60
  [ "$status" -eq 0 ]
  local pid sup helper
  pid=$(skiff inspect --format '{{.State.Pid}}' dnk)
  sup=$(awk '{print $4}' "/proc/$pid/stat")
  helper=$(slirp_helper_of "$sup")
  [ -n "$helper" ]
  kill -9 "$sup"
  wait_for sh -c "! kill -0 $helper 2>/dev/null || grep -q '^State:.*Z' /proc/$helper/status"
  run skiff inspect --format '{{.State.Status}}' dnk
  [ "$output" = "exited" ]
}

@test "slirp4netns ends with a supervisor killed with -9" {
  run skiff run -d --name svn --network slirp4netns busybox sleep 60
  [ "$status" -eq 0 ]
  local pid sup ns
  pid=$(skiff inspect --format '{{.State.Pid}}' svn)
  ns=$(readlink "/proc/$pid/ns/net")
  sup=$(awk '{print $4}' "/proc/$pid/stat")
  pgrep -f "^slirp4netns .* $pid tap0\$"
  kill -9 "$sup"
  wait_ns_released "$ns"
  wait_for sh -c "! pgrep -f '^slirp4netns .* $pid tap0\$'"
  run skiff inspect --format '{{.State.Status}}' svn
  [ "$output" = "exited" ]
}
