#!/usr/bin/env bats
# A store whose file system a container has filled: kill, stop, rm -f and
# rmi still work, free the space, and record each container's real exit
# status though neither its state nor its log can be written.
#
# Each test gets a small tmpfs (or, as root, ext4 on a loop device) as its
# --root, mounted in a private mount
# namespace that a holder process keeps; every skiff command runs in it
# (nsenter). Rootless, the namespace is a user namespace with the map skiff
# itself makes (the user as 0, its subordinate range from 1), so skiff finds
# itself inside and works as it does in its own. The mount goes with the
# namespace when the holder and the containers are gone.

load helpers

SIZE_MB=32

# The mount namespace holding this test's tmpfs.
setup() {
  local uid gid fs=tmpfs
  if [[ $BATS_TEST_DESCRIPTION == "full disk on ext4"* ]]; then
    rootless && skip "mounting ext4 from a loop device needs root; the tmpfs tests cover rootless"
    fs=ext4
  fi
  mkdir -p "$BATS_TEST_TMPDIR/root" "$BATS_TEST_TMPDIR/run"
  if rootless; then
    uid=$(grep "^$(id -un):" /etc/subuid | head -1 | cut -d: -f2,3)
    gid=$(grep "^$(id -un):" /etc/subgid | head -1 | cut -d: -f2,3)
    unshare --map-root-user --map-users="${uid%:*},1,${uid#*:}" \
      --map-groups="${gid%:*},1,${gid#*:}" --mount sleep infinity 3>&- &
  else
    unshare --mount --propagation private sleep infinity 3>&- &
  fi
  HOLDER=$!
  # Set up once it runs sleep: entered earlier, its namespaces would
  # still be ours.
  wait_for grep -qx sleep "/proc/$HOLDER/comm"
  if [ $fs = ext4 ]; then
    truncate -s ${SIZE_MB}M "$BATS_TEST_TMPDIR/ext4.img"
    # No blocks reserved for root: skiff could still write in those.
    mkfs.ext4 -q -m 0 "$BATS_TEST_TMPDIR/ext4.img"
    # The loop device is let go with the last mount, when the namespace ends.
    in_ns mount -o loop "$BATS_TEST_TMPDIR/ext4.img" "$BATS_TEST_TMPDIR/root"
  else
    in_ns mount -t tmpfs -o size=${SIZE_MB}m tmpfs "$BATS_TEST_TMPDIR/root"
  fi
  load_busybox
}

teardown() {
  local ids ns p
  [ -n "${HOLDER:-}" ] || return 0
  ids=$(skiff ps -aq 2>/dev/null) || true
  [ -z "$ids" ] || skiff rm -f $ids >/dev/null 2>&1 || true
  # Whatever still runs in the namespace (supervisors a failed rm left;
  # their containers die with them) goes, so that the mount goes too.
  ns=$(readlink "/proc/$HOLDER/ns/mnt")
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" != "$HOLDER" ] && [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] &&
      kill -9 "${p#/proc/}" 2>/dev/null
  done
  kill "$HOLDER" 2>/dev/null || true
  wait "$HOLDER" 2>/dev/null || true
}

# Runs a command in the holder's namespaces.
in_ns() {
  if rootless; then
    nsenter -t "$HOLDER" -U -m --preserve-credentials "$@"
  else
    nsenter -t "$HOLDER" -m "$@"
  fi
}

skiff() {
  in_ns "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" "$@"
}

# Free KiB on the store's file system.
free_kb() { in_ns df -k --output=avail "$BATS_TEST_TMPDIR/root" | tail -1 | tr -d ' '; }

disk_full() { [ "$(free_kb)" -eq 0 ]; }

inspect_is() { [ "$(skiff inspect --format "$2" "$1")" = "$3" ]; }

# Fills the disk from inside a container as a user would. Smaller and
# smaller blocks, after a sync each: ext4 gives back what it reserved for
# delayed allocation once the data is written.
FILL='for bs in 1M 64k 4k 1k; do dd if=/dev/zero of=/big-$bs bs=$bs 2>/dev/null; sync; done'

# Whether container $1's command has become `sleep` (its fill is over).
sleeping() { [ "$(cat "/proc/$(skiff inspect --format '{{.State.Pid}}' "$1")/comm")" = sleep ]; }

# A container that fills the disk, then sleeps; returns once its fill is
# over (every dd and sync done: while one still runs, space freed later
# is taken again) and the disk is full.
fill_disk() {
  local i
  skiff run -d --network none --name hog busybox sh -c "$FILL; exec sleep 1000" >/dev/null
  for i in $(seq 1 600); do
    sleeping hog && break
    sleep 0.05
  done
  sleeping hog
  disk_full
  # Nothing can be written now: a new container cannot even be created
  # (and trying fails at once; create exits 1, as docker/cli's does for
  # anything but a bad flag).
  run in_ns timeout 20 "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
    create --network none busybox true
  assert_error 1 "No space left on device"
}

@test "full disk: kill records 137 and rm -f removes the container and frees the space" {
  fill_disk
  run skiff kill hog
  [ "$status" -eq 0 ]
  [ "$output" = "hog" ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}} {{.State.Error}}' hog
  [ "$output" = "exited 137 false " ]
  run skiff ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "hog Exited (137) "* ]]
  disk_full

  run skiff rm -f hog
  [ "$status" -eq 0 ]
  [ "$output" = "hog" ]
  [ -z "$(skiff ps -aq)" ]
  [ "$(free_kb)" -gt $(((SIZE_MB - 4) * 1024)) ]
  [ -z "$(in_ns ls -A "$BATS_TEST_TMPDIR/root/containers")" ]
  # Space again: the name is free and a container runs.
  run skiff run --rm --network none --name hog busybox echo again
  [ "$output" = "again" ]
}

@test "full disk: rm -f of a running container kills it and frees the space" {
  fill_disk
  local pid
  pid=$(skiff inspect --format '{{.State.Pid}}' hog)
  kill -0 "$pid"
  run skiff rm -f hog
  [ "$status" -eq 0 ]
  [ "$output" = "hog" ]
  ! kill -0 "$pid" 2>/dev/null
  [ -z "$(skiff ps -aq)" ]
  [ "$(free_kb)" -gt $(((SIZE_MB - 4) * 1024)) ]
  [ -z "$(in_ns ls -A "$BATS_TEST_TMPDIR/root/containers")" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/run/containers")" ]
}

@test "full disk: stop records the real exit code and no restart policy brings the container back" {
  skiff run -d --network none --restart always --name svc busybox \
    sh -c 'trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_for inspect_is svc '{{.State.Status}}' running
  fill_disk
  run skiff stop -t 5 svc
  [ "$status" -eq 0 ]
  [ "$output" = "svc" ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' svc
  [ "$output" = "exited 3 0" ]
  sleep 1
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' svc
  [ "$output" = "exited 3 0" ]
  run skiff ps -a --filter name=svc --format '{{.Status}}'
  [[ "$output" == "Exited (3) "* ]]

  # Once there is space again, it starts as before.
  skiff rm -f hog >/dev/null
  run skiff start svc
  [ "$status" -eq 0 ]
  wait_for inspect_is svc '{{.State.Status}}' running
}

@test "full disk: a container whose output hit ENOSPC is recorded with its exit code 0" {
  skiff run -d --network none --name filler busybox \
    sh -c "$FILL"'; i=0; while [ $i -lt 200 ]; do echo "line $i"; i=$((i+1)); done; exit 0' >/dev/null
  run skiff wait filler
  [ "$status" -eq 0 ]
  [ "$output" = "0" ]
  disk_full
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' filler
  [ "$output" = "exited 0 " ]
  run skiff ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "filler Exited (0) "* ]]
  # Later commands keep it so, and its removal frees the space.
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}}' filler
  [ "$output" = "exited 0" ]
  run skiff rm filler
  [ "$output" = "filler" ]
  [ "$(free_kb)" -gt $(((SIZE_MB - 4) * 1024)) ]
}

@test "full disk: a container that keeps writing, killed -9 from the host, is recorded as 137" {
  skiff run -d --network none --name writer busybox \
    sh -c "$FILL"'; while :; do echo "still here"; done' >/dev/null
  wait_for disk_full
  kill -9 "$(skiff inspect --format '{{.State.Pid}}' writer)"
  run skiff wait writer
  [ "$output" = "137" ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' writer
  [ "$output" = "exited 137 " ]
  run skiff ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "writer Exited (137) "* ]]
}

@test "full disk: a restart policy cannot restart what it cannot record; the exit is recorded" {
  skiff run -d --network none --restart always --name again busybox \
    sh -c "$FILL; exit 5" >/dev/null
  wait_for inspect_is again '{{.State.Status}}' exited
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' again
  [ "$output" = "exited 5 " ]
  disk_full
}

@test "full disk: start fails with the reason and leaves nothing running" {
  skiff create --network none --name later busybox sleep 1000 >/dev/null
  fill_disk
  run skiff start later
  assert_error 1 "recording the container's start: "
  [[ "${lines[0]}" == *"No space left on device" ]]
  [ "${lines[1]}" = "skiff: failed to start containers: later" ]
  run skiff inspect --format '{{.State.Status}}' later
  [ "$output" = "created" ]
  [ "$(skiff ps -q | wc -l)" -eq 1 ]
  run skiff rm later
  [ "$output" = "later" ]
}

@test "full disk: rmi removes an unused image and frees its layers" {
  local d=$BATS_TEST_TMPDIR/bigimg
  mkdir -p "$d"
  head -c 6M /dev/urandom > "$d/blob"
  tar --numeric-owner --owner=0 --group=0 -C "$d" -cf "$BATS_TEST_TMPDIR/big.tar" blob
  skiff import "$BATS_TEST_TMPDIR/big.tar" big:1 >/dev/null
  fill_disk
  local id
  id=$(skiff image inspect --format '{{.Id}}' big:1)
  run skiff rmi big:1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Untagged: big:1" ]
  [ "${lines[1]}" = "Deleted: $id" ]
  [ "$(free_kb)" -gt 5000 ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "busybox:latest" ]
  # With room again, the index is tidied and the image can come back.
  skiff rm -f hog >/dev/null
  skiff import "$BATS_TEST_TMPDIR/big.tar" big:2 >/dev/null
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "big:2 busybox:latest " ]
  run in_ns jq -r '.[].names[]' "$BATS_TEST_TMPDIR/root/images.json"
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "docker.io/library/big:2 docker.io/library/busybox:latest " ]
}

@test "full disk on ext4: kill records 137, rm -f frees the space" {
  fill_disk
  run skiff kill hog
  [ "$output" = "hog" ]
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' hog
  [ "$output" = "exited 137 " ]
  run skiff rm -f hog
  [ "$output" = "hog" ]
  [ -z "$(skiff ps -aq)" ]
  [ "$(free_kb)" -gt $(((SIZE_MB - 10) * 1024)) ]
  run skiff run --rm --network none busybox echo room
  [ "$output" = "room" ]
}
