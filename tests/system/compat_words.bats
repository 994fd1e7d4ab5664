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
  [ "$output" = 'skiff: unknown type: "bogus": must be one of "container", "image", "volume"' ]
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
