#!/usr/bin/env bats
# Docker's messages and exit codes that scripts depend on: missing objects,
# forced removals of what is not there, conflicts, and -v/--mount sources.

load helpers

# docker/cli container/rm.go (commit ee4c249, v29.7): with -f a container
# that does not exist is passed over in silence and the exit is 0, so
# `rm -f NAME || fail` cleans up either way. Without -f the engine's "No
# such container: NAME" (moby errdefs NotFound) and exit 1.
@test "rm -f of a missing container exits 0 and prints nothing; rm without -f fails" {
  load_busybox
  skiff create --name here busybox >/dev/null
  run skiff rm -f nosuch
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run skiff rm -f nosuch here
  [ "$status" -eq 0 ]
  [ "$output" = "here" ]
  [ -z "$(skiff ps -aq)" ]
  run skiff rm nosuch
  assert_error 1 "No such container: nosuch"
  [ "${#lines[@]}" -eq 1 ]
  run skiff stop nosuch
  assert_error 1 "No such container: nosuch"
}

# docker/cli image/remove.go: with -f a missing image is still reported on
# stderr but is no failure; without -f it is (exit 1). moby's daemon says
# "No such image: NAME" with NAME in its familiar form (nosuch:latest).
@test "rmi -f of a missing image reports it and exits 0; rmi without -f exits 1" {
  load_busybox
  skiff tag busybox other:1
  run skiff rmi -f nosuch other:1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "skiff: No such image: nosuch:latest" ]
  [ "${lines[1]}" = "Untagged: other:1" ]
  run skiff rmi nosuch
  assert_error 1 "No such image: nosuch"
  [ "${#lines[@]}" -eq 1 ]
}

# moby volume/service/service.go Remove: with force a missing volume is
# removed already, so docker/cli volume/remove.go prints its name, exit 0.
@test "volume rm -f of a missing volume prints its name and exits 0; without -f exits 1" {
  run skiff volume rm -f nosuch
  [ "$status" -eq 0 ]
  [ "$output" = "nosuch" ]
  run skiff volume rm nosuch
  assert_error 1 "No such volume: nosuch"
}

# docker/cli client errors.go (objectNotFoundError): "No such container",
# "No such image", "No such volume" for a typed inspect, "No such object"
# for `docker inspect`; `[]` on stdout and exit 1 either way.
@test "inspect of something missing: Docker's No such ... words per kind" {
  run skiff inspect nosuch
  assert_error 1 "No such object: nosuch"
  grep -qx '\[\]' <<<"$output"
  run skiff container inspect nosuch
  assert_error 1 "No such container: nosuch"
  run skiff image inspect nosuch
  assert_error 1 "No such image: nosuch"
  run skiff volume inspect nosuch
  assert_error 1 "No such volume: nosuch"
}

# moby daemon/delete.go: "You cannot remove a running container ID. Stop
# the container before attempting removal or force remove" (a Conflict,
# exit 1 in the CLI), with the full ID.
@test "rm of a running container: Docker's refusal with the full ID, container kept" {
  load_busybox
  id=$(skiff run -d --name busy busybox sleep 60)
  run skiff rm busy
  assert_error 1 "You cannot remove a running container $id. Stop the container before attempting removal or force remove"
  [ "${#lines[@]}" -eq 1 ]
  [ "$(skiff inspect --format '{{.State.Running}}' busy)" = "true" ]
  run skiff rm -f busy
  [ "$output" = "busy" ]
}

# moby daemon/names.go: 'Conflict. The container name "/NAME" is already
# in use by container "ID". You have to remove (or rename) that container
# to be able to reuse that name.' (run exits 125 on it; create and rename
# 1, as docker/cli's create exits 125 only for a bad flag).
@test "a name in use: Docker's Conflict sentence with the full ID" {
  load_busybox
  id=$(skiff create --name web busybox)
  run skiff create --name web busybox
  assert_error 1 "Conflict. The container name \"/web\" is already in use by container \"$id\". You have to remove (or rename) that container to be able to reuse that name."
  other=$(skiff create --name two busybox)
  run skiff rename two web
  assert_error 1 "Conflict. The container name \"/web\" is already in use by container \"$id\"."
  [ "$(skiff inspect --format '{{.Name}}' "$other")" = "/two" ]
}

# Docker's -v makes a missing host path as a directory (moby
# volume/mounts linux_parser.go: CreateMountpoint for binds given with -v),
# owned by the daemon's user: root, or rootless the user running it.
@test "run -v with a missing host path makes the directory and runs" {
  load_busybox
  src=$BATS_TEST_TMPDIR/made/by/v
  run skiff run --rm -v "$src:/data" busybox sh -c 'echo hi > /data/f && cat /data/f'
  [ "$status" -eq 0 ]
  [ "$output" = "hi" ]
  [ -d "$src" ]
  [ "$(stat -c %u "$src")" = "$(id -u)" ]
  [ "$(cat "$src/f")" = "hi" ]
}

# moby volume/mounts linux_parser.go: a --mount bind's source must exist:
# 'invalid mount config for type "bind": bind source path does not exist:
# PATH', refused at create (run exits 125), nothing made.
@test "--mount type=bind with a missing source is Docker's error, nothing created" {
  load_busybox
  src=$BATS_TEST_TMPDIR/absent
  run skiff run --rm --mount "type=bind,source=$src,target=/data" busybox true
  assert_error 125 "invalid mount config for type \"bind\": bind source path does not exist: $src"
  [ "${#lines[@]}" -eq 1 ]
  [ ! -e "$src" ]
  [ -z "$(skiff ps -aq)" ]
}
