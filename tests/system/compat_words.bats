#!/usr/bin/env bats
# Docker's messages, exit codes and states that the differential test
# (tests/compat/run) found skiff to word or report differently: each test
# asserts what Docker 24+ (moby's daemon, docker/cli 28) prints.

load helpers

# moby daemon/names.go: the Conflict sentence ends at "reuse that name.";
# nothing follows it (scripts compare the whole line).
@test "a name in use: the Conflict sentence ends as Docker's" {
  load_busybox
  id=$(skiff create --name web busybox)
  run skiff run --name web busybox true
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: Conflict. The container name \"/web\" is already in use by container \"$id\". You have to remove (or rename) that container to be able to reuse that name." ]
}

# moby daemon/errors.go errNotRunning: "container ID is not running", with
# the full ID, whatever name was given.
@test "exec in a stopped container: Docker's not-running line with the full ID" {
  load_busybox
  id=$(skiff create --name idle busybox)
  run skiff exec idle true
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: container $id is not running" ]
}

# moby container/state.go SetRunning: a started container's ExitCode is 0,
# whatever its previous run ended with.
@test "a restarted container's State.ExitCode is 0 while it runs" {
  load_busybox
  skiff run -d --name again busybox sleep 300 >/dev/null
  skiff kill again >/dev/null
  skiff wait again
  [ "$(skiff inspect -f '{{.State.Status}} {{.State.ExitCode}}' again)" = "exited 137" ]
  skiff start again >/dev/null
  [ "$(skiff inspect -f '{{.State.Status}} {{.State.ExitCode}}' again)" = "running 0" ]
  [ "$(skiff ps --filter exited=137 -q)" = "" ]
  skiff rm -f again >/dev/null
}

# docker/cli container/start.go: each daemon error, then "failed to start
# containers: A, B" naming every container that did not start; exit 1
# even when the process could not be executed (the daemon's error).
@test "start: Docker's closing line names the containers that failed, exit 1" {
  load_busybox
  skiff create --name fine busybox true >/dev/null
  skiff create --name broken busybox nosuch-command >/dev/null
  rc=0
  out=$(skiff start nosuch1 fine nosuch2 2>"$BATS_TEST_TMPDIR/err") || rc=$?
  [ "$rc" -eq 1 ]
  [ "$out" = "fine" ]
  run cat "$BATS_TEST_TMPDIR/err"
  [ "${lines[0]}" = "skiff: No such container: nosuch1" ]
  [ "${lines[1]}" = "skiff: No such container: nosuch2" ]
  [ "${lines[2]}" = "skiff: failed to start containers: nosuch1, nosuch2" ]
  [ "${#lines[@]}" -eq 3 ]
  [ "$(skiff inspect -f '{{.State.Running}}' fine)" = true ] || [ "$(skiff inspect -f '{{.State.Status}}' fine)" = exited ]
  run skiff start broken
  [ "$status" -eq 1 ]
  [[ "${lines[0]}" == *'exec: "nosuch-command": executable file not found in $PATH'* ]]
  [ "${lines[1]}" = "skiff: failed to start containers: broken" ]
}

# moby daemon/rename.go and docker/cli container/rename.go: the daemon's
# error ("Renaming a container with the same name...", "Error when
# allocating new name: Conflict...") then "failed to rename container
# named OLD"; exit 1; nothing renamed.
@test "rename: Docker's errors and closing line" {
  load_busybox
  id=$(skiff create --name a busybox)
  skiff create --name b busybox >/dev/null
  run skiff rename nosuch c
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: No such container: nosuch" ]
  [ "${lines[1]}" = "skiff: failed to rename container named nosuch" ]
  run skiff rename a a
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: Renaming a container with the same name as its current name" ]
  [ "${lines[1]}" = "skiff: failed to rename container named a" ]
  run skiff rename b a
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: Error when allocating new name: Conflict. The container name \"/a\" is already in use by container \"$id\". You have to remove (or rename) that container to be able to reuse that name." ]
  [ "${lines[1]}" = "skiff: failed to rename container named b" ]
  run skiff rename b 'bad name'
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" ]
  [ "$(skiff ps -a --format '{{.Names}}' | sort | tr '\n' ' ')" = "a b " ]
}

# moby daemon/names.go: the same sentence for a bad --name.
@test "run --name with a bad name: Docker's sentence, nothing created" {
  load_busybox
  run skiff run --name 'bad name' busybox true
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" ]
  [ -z "$(skiff ps -aq)" ]
}

# moby daemon/create.go: an image without CMD or ENTRYPOINT and no command
# given is "No command specified" (run exits 125).
@test "run of an image without a command: Docker's No command specified" {
  skiff import "$(busybox_tar)" bare:1 >/dev/null
  run skiff run --rm bare:1
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: No command specified" ]
  [ -z "$(skiff ps -aq)" ]
}

# docker/cli cli/required.go and cmd/docker/docker.go (v28).
@test "usage errors: Docker 28's count words and unknown commands" {
  run skiff logs
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: 'skiff logs' requires 1 argument" ]
  [ "${lines[-1]}" = "Run 'skiff logs --help' for more information" ]
  run skiff ps extra
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: 'skiff ps' accepts no arguments" ]
  run skiff images a b
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: 'skiff images' requires at most 1 argument" ]
  run skiff kill
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: 'skiff kill' requires at least 1 argument" ]
  run skiff volume bogus
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: unknown command: skiff volume bogus" ]
  [ "${lines[1]}" = "Usage:  skiff volume COMMAND" ]
}

# moby daemon/images (ErrImageDoesNotExist): the missing reference in its
# familiar form, so a name without a tag reads NAME:latest.
@test "a missing image is named as Docker names it: NAME:latest" {
  load_busybox
  run skiff tag nosuch other:1
  assert_error 1 "No such image: nosuch:latest"
  run skiff history nosuch
  assert_error 1 "No such image: nosuch:latest"
  run skiff rmi docker.io/library/nosuch
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: No such image: nosuch:latest" ]
  run skiff rmi busybox:othertag
  [ "$output" = "skiff: No such image: busybox:othertag" ]
}

# docker/cli opts.FilterOpt: a --filter word without "=" is a bad flag
# value, refused as the flags are parsed (exit 125), for every command
# with --filter.
@test "a --filter word without = is Docker's flag error, exit 125" {
  for cmd in "ps" "images" "volume ls" "volume prune -f" "image prune -f"; do
    run skiff $cmd --filter name
    [ "$status" -eq 125 ]
    [ "${lines[0]}" = "skiff: invalid argument \"name\" for \"$( [[ $cmd == *prune* ]] || echo '-f, ')--filter\" flag: bad format of filter (expected name=value)" ]
  done
  run skiff ps -f status
  [ "$status" -eq 125 ]
  [ "${lines[0]}" = 'skiff: invalid argument "status" for "-f, --filter" flag: bad format of filter (expected name=value)' ]
}

# docker/cli inspect/inspector.go (TemplateInspector.Flush): with a
# template and nothing found, one empty line on stdout; with something
# found, only its lines.
@test "inspect -f of nothing found prints Docker's empty line" {
  load_busybox
  skiff create --name here busybox >/dev/null
  out=$(skiff inspect -f '{{.Name}}' nosuch 2>/dev/null | od -An -c | tr -d ' ') || true
  [ "$out" = '\n' ]
  out=$(skiff image inspect -f '{{.Id}}' nosuch 2>/dev/null | od -An -c | tr -d ' ') || true
  [ "$out" = '\n' ]
  run skiff inspect -f '{{.Name}}' here nosuch
  [ "$status" -eq 1 ]
  [ "$(skiff inspect -f '{{.Name}}' here nosuch 2>/dev/null)" = "/here" ]
  [ "$(skiff inspect -f '{{.Name}}' here nosuch 2>/dev/null | wc -l)" -eq 1 ]
}

# docker/cli container/inspect.go: --type is checked before any lookup;
# "unknown type" and nothing on stdout.
@test "inspect --type of an unknown kind: Docker's unknown type, nothing printed" {
  load_busybox
  skiff create --name here busybox >/dev/null
  run skiff inspect --type bogus here
  [ "$status" -eq 1 ]
  [ "$output" = 'skiff: unknown type: "bogus": must be one of "container", "image", "network", "volume"' ]
}

# moby image/tarexport/save.go: a name that matches no tag is looked up as
# an ID, so save's error names it as typed (no ":latest"); nothing written.
@test "save of a missing image names it as typed" {
  load_busybox
  run skiff save -o "$BATS_TEST_TMPDIR/x.tar" nosuch
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: No such image: nosuch" ]
  [ ! -e "$BATS_TEST_TMPDIR/x.tar" ]
}

# Bad flag values: docker/cli refuses them as it parses the flags, in
# pflag's words ('invalid argument "V" for "FLAG" flag: WHY', the reason
# Go's: go-units, strconv, opts) or its own, exit 125 for run and create
# alike; nothing is made.
@test "run and create: Docker's words for bad flag values, exit 125, nothing made" {
  load_busybox
  local cmd
  for cmd in run create; do
    run skiff $cmd --rm -m lots busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = "skiff: invalid argument \"lots\" for \"-m, --memory\" flag: invalid size: 'lots'" ]
    run skiff $cmd --rm --ulimit nofile=abc busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = 'skiff: invalid argument "nofile=abc" for "--ulimit" flag: strconv.ParseInt: parsing "abc": invalid syntax' ]
    run skiff $cmd --rm --ulimit nofile=5:2 busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = 'skiff: invalid argument "nofile=5:2" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 5 > 2' ]
    run skiff $cmd --rm -e =x busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = 'skiff: invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x' ]
    run skiff $cmd --rm --mount type=tmpfs busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = 'skiff: invalid argument "type=tmpfs" for "--mount" flag: target is required' ]
    run skiff $cmd --rm --cpus x busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = 'skiff: invalid argument "x" for "--cpus" flag: failed to parse x as a rational number' ]
    run skiff $cmd --rm --pull sometimes busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = "skiff: invalid pull option: 'sometimes': must be one of \"always\", \"missing\" or \"never\"" ]
    # podman's newer is no Docker value.
    run skiff $cmd --rm --pull newer busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = "skiff: invalid pull option: 'newer': must be one of \"always\", \"missing\" or \"never\"" ]
    # docker/cli checks --rm against --restart before the daemon judges the
    # policy's name.
    run skiff $cmd --rm --restart sometimes busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = "skiff: conflicting options: cannot specify both --restart and --rm" ]
    run skiff $cmd --rm --restart always busybox true
    [ "$status" -eq 125 ] && [ "${lines[0]}" = "skiff: conflicting options: cannot specify both --restart and --rm" ]
  done
  [ -z "$(skiff ps -aq)" ]
}

# What the daemon refuses, in moby's words: run wraps it in 125, create
# exits 1 (docker/cli container/create.go returns the daemon's error as it
# is); nothing is made.
@test "run and create: the daemon's words for bad values, run exit 125, create 1, nothing made" {
  load_busybox
  mkdir "$BATS_TEST_TMPDIR/bind"
  local cmd code
  for cmd in run create; do
    code=$([ $cmd = run ] && echo 125 || echo 1)
    run skiff $cmd --rm -w rel busybox pwd
    [ "$status" -eq $code ] && [ "$output" = "skiff: the working directory 'rel' is invalid, it needs to be an absolute path" ]
    run skiff $cmd --cap-add COMPAT_BOGUS busybox true
    [ "$status" -eq $code ] && [ "$output" = 'skiff: invalid CapAdd: unknown capability: "CAP_COMPAT_BOGUS"' ]
    run skiff $cmd --cap-drop bogus busybox true
    [ "$status" -eq $code ] && [ "$output" = 'skiff: invalid CapDrop: unknown capability: "CAP_BOGUS"' ]
    run skiff $cmd --restart sometimes busybox true
    [ "$status" -eq $code ] && [ "$output" = "skiff: invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'" ]
    run skiff $cmd --security-opt compat=bogus busybox true
    [ "$status" -eq $code ] && [ "$output" = 'skiff: invalid --security-opt 2: "compat=bogus"' ]
    run skiff $cmd --mount type=compat,target=/x busybox true
    [ "$status" -eq $code ] && [ "$output" = 'skiff: invalid mount config for type "compat": mount type unknown' ]
    run skiff $cmd -v "$BATS_TEST_TMPDIR/bind:/data:zz" busybox true
    [ "$status" -eq $code ] && [ "$output" = 'skiff: invalid mode: zz' ]
    run skiff $cmd -v "$BATS_TEST_TMPDIR/bind:data" busybox true
    [ "$status" -eq $code ] && [ "$output" = "skiff: invalid volume specification: '$BATS_TEST_TMPDIR/bind:data': invalid mount config for type \"bind\": invalid mount path: 'data' mount path must be absolute" ]
    run skiff $cmd 'compat:bad:ref' true
    [ "$status" -eq $code ] && [ "$output" = 'skiff: invalid reference format' ]
    run skiff $cmd Compat-Upper true
    [ "$status" -eq $code ] && [ "$output" = 'skiff: invalid reference format: repository name (library/Compat-Upper) must be lowercase' ]
    run skiff $cmd --pull never nosuch-image
    [ "$status" -eq $code ] && [ "$output" = 'skiff: No such image: nosuch-image:latest' ]
  done
  [ -z "$(skiff ps -aq)" ]
  id=$(skiff create --name taken busybox true)
  run skiff create --name taken busybox true
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: Conflict. The container name \"/taken\" is already in use by container \"$id\". You have to remove (or rename) that container to be able to reuse that name." ]
  [ "$(skiff ps -aq --no-trunc)" = "$id" ]
}

# moby daemon/start.go: a failed start sets State.Error and the exit code
# (127 for a command not found) and nothing else, so a container that
# never ran stays "created" (its status derives from StartedAt), FinishedAt
# zero, and ps says "Created"; one that ran before stays "exited".
@test "a start that fails leaves a never-run container created, with ExitCode and Error" {
  load_busybox
  run skiff run --name c1 busybox nosuch-command
  [ "$status" -eq 127 ]
  run skiff inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}} {{.State.StartedAt}} {{.State.FinishedAt}}|{{.State.Error}}' c1
  [ "$output" = 'created 127 false 0001-01-01T00:00:00Z 0001-01-01T00:00:00Z|exec: "nosuch-command": executable file not found in $PATH' ]
  [ "$(skiff ps -a --filter name=c1 --format '{{.Status}}|{{.State}}')" = "Created|created" ]
  skiff create --name c2 busybox nosuch-command >/dev/null
  run skiff start c2
  [ "$status" -eq 1 ]
  [ "$(skiff inspect -f '{{.State.Status}} {{.State.ExitCode}}' c2)" = "created 127" ]
  # A container that ran once stays exited, with that run's FinishedAt.
  mkdir "$BATS_TEST_TMPDIR/host"
  skiff run --name ran --mount "type=bind,src=$BATS_TEST_TMPDIR/host,dst=/host" busybox true
  finished=$(skiff inspect -f '{{.State.FinishedAt}}' ran)
  rmdir "$BATS_TEST_TMPDIR/host"
  run skiff start ran
  [ "$status" -eq 1 ]
  [ "$(skiff inspect -f '{{.State.Status}} {{.State.FinishedAt}}' ran)" = "exited $finished" ]
  [[ "$(skiff inspect -f '{{.State.Error}}' ran)" == *"$BATS_TEST_TMPDIR/host"* ]]
}

# docker/cli's client (container_logs.go) and Go's timetypes word a bad
# --since; moby daemon/logs.go takes a --tail it cannot read for "all".
@test "logs: Docker's words for a bad --since; a --tail that is no number shows everything" {
  load_busybox
  skiff run --name chatty busybox sh -c 'echo one; echo two' >/dev/null
  run skiff logs --since compatbogus chatty
  [ "$status" -eq 1 ]
  [ "$output" = 'skiff: invalid value for "since": failed to parse value as time or duration: "compatbogus"' ]
  run skiff logs --until compatbogus chatty
  [ "$status" -eq 1 ]
  [ "$output" = 'skiff: invalid value for "until": failed to parse value as time or duration: "compatbogus"' ]
  run skiff logs --tail x chatty
  [ "$status" -eq 0 ]
  [ "$output" = $'one\ntwo' ]
  run skiff logs --tail 1 chatty
  [ "$output" = two ]
}

# moby 24 api/server/router/container postContainersKill wraps every
# failure in "Cannot kill container: NAME: "; daemon/kill.go parses the
# signal first (moby/sys/signal's "Invalid signal"), then finds the
# container; errNotRunning has the full ID. Exit 1, the others still killed.
@test "kill: Docker's Cannot kill container words for a missing, stopped container or a bad signal" {
  load_busybox
  id=$(skiff create --name idle busybox)
  skiff run -d --name busy busybox sleep 300 >/dev/null
  run skiff kill nosuch
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: Cannot kill container: nosuch: No such container: nosuch" ]
  run skiff kill idle
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: Cannot kill container: idle: container $id is not running" ]
  run skiff kill -s COMPATBOGUS busy nosuch
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: Cannot kill container: busy: Invalid signal: COMPATBOGUS" ]
  [ "${lines[1]}" = "skiff: Cannot kill container: nosuch: Invalid signal: COMPATBOGUS" ]
  [ "$(skiff inspect -f '{{.State.Running}}' busy)" = true ]
  run skiff kill nosuch busy
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: Cannot kill container: nosuch: No such container: nosuch" ]
  [ "${lines[1]}" = "busy" ]
}

# docker/cli's client.ImageTag checks both names before asking the daemon;
# load and import open the file in the CLI (Go's os.Open words).
@test "tag, load, import: Docker's words for a bad name or a missing file" {
  load_busybox
  run skiff tag busybox 'compat-img:bad:tag'
  [ "$status" -eq 1 ]
  [ "$output" = 'skiff: Error parsing reference: "compat-img:bad:tag" is not a valid repository/tag: invalid reference format' ]
  run skiff tag busybox Compat-Img
  [ "$status" -eq 1 ]
  [ "$output" = 'skiff: Error parsing reference: "Compat-Img" is not a valid repository/tag: invalid reference format: repository name (library/Compat-Img) must be lowercase' ]
  run skiff tag nosuch Compat-Img
  [ "${lines[0]}" = 'skiff: Error parsing reference: "Compat-Img" is not a valid repository/tag: invalid reference format: repository name (library/Compat-Img) must be lowercase' ]
  [ "$(skiff images --format '{{.Repository}}')" = busybox ]
  cd "$BATS_TEST_TMPDIR"
  run skiff load -i nosuch.tar
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: open nosuch.tar: no such file or directory" ]
  run skiff import nosuch.tar imp:5
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: open nosuch.tar: no such file or directory" ]
}

# moby's load untars in a child and reports Go's archive/tar reason:
# "unexpected EOF" for a stream too short for a header, "archive/tar:
# invalid tar header" for a block that is no header. Nothing is loaded.
@test "load of a file that is no tar: Docker's Error processing tar file words" {
  echo notatar > "$BATS_TEST_TMPDIR/bad.tar"
  run skiff load -i "$BATS_TEST_TMPDIR/bad.tar"
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: Error processing tar file(exit status 1): unexpected EOF" ]
  head -c 1000 /dev/zero | tr '\0' x > "$BATS_TEST_TMPDIR/bad.tar"
  run skiff load < "$BATS_TEST_TMPDIR/bad.tar"
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: Error processing tar file(exit status 1): archive/tar: invalid tar header" ]
  [ -z "$(skiff images -q)" ]
}
