#!/usr/bin/env bats
# volume create --driver local --opt type=...,device=...,o=... : Docker's
# local driver options. A tmpfs volume is one tmpfs, shared by the
# containers using it at the same time and gone once none does; a bind
# volume shows its host directory; bad drivers and options are refused in
# Docker's words with nothing created; nothing stays mounted after the
# containers stop, or after their supervisor is killed.
#
# As root the mount is on the volume's _data in the host's mount
# namespace; rootless it is in the mount namespace skiff-userns keeps.
# Rootless tests get a runtime directory (so a holder) of their own: a
# holder started by an older skiff has no mount namespace, and volumes are
# then mounted by each container alone.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  if rootless; then
    export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
    mkdir -m 700 "$XDG_RUNTIME_DIR"
  fi
  load_busybox
}

mountpoint_of() { echo "$BATS_TEST_TMPDIR/root/volumes/$1/_data"; }

# Whether volume $1 is mounted where skiff mounts it.
volume_mounted() {
  local info=/proc/self/mountinfo
  if rootless; then
    info=/proc/$(cut -d' ' -f1 "$XDG_RUNTIME_DIR/skiff/userns.pid")/mountinfo
  fi
  grep -q " $(mountpoint_of "$1") " "$info"
}

not_mounted() { ! volume_mounted "$1"; }

state_of() { jq -r ".$2" "$BATS_TEST_TMPDIR/root/containers/$(skiff inspect -f '{{.Id}}' "$1")/state.json"; }

@test "volume create -o: Options in inspect as Docker shows them, ls unchanged" {
  run skiff volume create --driver local --opt type=tmpfs --opt device=tmpfs --opt o=size=100m,uid=1000 tmp
  [ "$status" -eq 0 ]
  [ "$output" = tmp ]
  run skiff volume inspect -f '{{json .Options}}' tmp
  [ "$output" = '{"device":"tmpfs","o":"size=100m,uid=1000","type":"tmpfs"}' ]
  skiff volume create -d local -o type=none -o o=bind -o device=/tmp bnd
  run skiff volume inspect -f '{{.Driver}} {{.Options.type}} {{.Options.o}} {{.Options.device}}' bnd
  [ "$output" = "local none bind /tmp" ]
  # -o KEY alone is an empty value (docker/cli's MapOpts); size 0 asks for
  # no quota. Neither type nor device set: a plain directory.
  skiff volume create -o type -o device -o size=0 odd
  run skiff volume inspect -f '{{json .Options}}' odd
  [ "$output" = '{"device":"","size":"0","type":""}' ]
  skiff volume create plain
  run skiff volume inspect -f '{{json .Options}}' plain
  [ "$output" = null ]
  run skiff volume ls
  [ "$output" = "$(printf 'DRIVER    VOLUME NAME\nlocal     bnd\nlocal     odd\nlocal     plain\nlocal     tmp')" ]
  run skiff __complete volume create --opt ''
  [ "$output" = "$(printf 'device=\no=\nsize=\ntype=')" ]
  # Nothing is mounted at create: Docker mounts at first use.
  not_mounted tmp
  not_mounted bnd
}

@test "volume create: an unknown driver or bad options are Docker's errors, and nothing is made" {
  run skiff volume create -d foo v1
  assert_error 1 'create v1: error looking up volume plugin foo: plugin "foo" not found'
  run skiff volume create -o bogus=1 v1
  assert_error 1 'create v1: invalid option: "bogus"'
  run skiff volume create -o type=tmpfs v1
  assert_error 1 'create v1: missing required option: "device"'
  run skiff volume create -o o=size=1m v1
  assert_error 1 'create v1: missing required option: "device"'
  run skiff volume create -o device=/tmp v1
  assert_error 1 'create v1: missing required option: "type"'
  run skiff volume create -o size=abc v1
  assert_error 1 "create v1: invalid size: 'abc'"
  run skiff volume create -o size=10m v1
  assert_error 1 'create v1: quota size requested but no quota support'
  run skiff volume ls -q
  [ -z "$output" ]
  [ ! -e "$BATS_TEST_TMPDIR/root/volumes/v1" ]
}

@test "a tmpfs volume: its size limit, one tmpfs shared while used, empty again once unused" {
  skiff volume create -o type=tmpfs -o device=tmpfs -o o=size=10m tmp >/dev/null
  run skiff run --rm -v tmp:/data busybox sh -c 'df -k /data | tail -1; grep " /data " /proc/mounts'
  [ "$status" -eq 0 ]
  [ "$(awk 'NR==1 {print $1, $2}' <<<"$output")" = "tmpfs 10240" ]
  [[ "${lines[1]}" == "tmpfs /data tmpfs "*"size=10240k"* ]]
  # Released before run --rm returns.
  not_mounted tmp

  skiff run -d --name writer -v tmp:/data busybox sh -c 'echo shared > /data/f; sleep 600' >/dev/null
  wait_for volume_mounted tmp
  run skiff run --rm --mount source=tmp,target=/other busybox cat /other/f
  [ "$output" = shared ]
  run skiff run --rm -v tmp:/third busybox sh -c 'echo more > /third/g; ls /third'
  [ "$output" = "$(printf 'f\ng')" ]
  run skiff exec writer cat /data/g
  [ "$output" = more ]
  # As root the volume's Mountpoint shows the tmpfs, as Docker's does;
  # rootless the mount is in skiff-userns's namespace, not the host's.
  if rootless; then
    [ -z "$(ls -A "$(mountpoint_of tmp)")" ]
  else
    [ "$(cat "$(mountpoint_of tmp)/f")" = shared ]
  fi
  skiff stop -t 0 writer >/dev/null
  not_mounted tmp
  run skiff run --rm -v tmp:/data busybox ls -A /data
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "a tmpfs volume is not filled from the image: Docker's copy at create is gone with its mount" {
  skiff volume create -o type=tmpfs -o device=tmpfs tmp >/dev/null
  run skiff run --rm -v tmp:/etc busybox ls /etc
  [ "$output" = "$(printf 'hostname\nhosts\nresolv.conf')" ]
}

@test "a bind volume shows its host directory, and volume rm leaves that directory alone" {
  host=$BATS_TEST_TMPDIR/hostdir
  mkdir -p "$host"
  echo from-host > "$host/f"
  rootless && chmod 777 "$host"
  skiff volume create -o type=none -o o=bind -o device="$host" bnd >/dev/null
  run skiff run --rm -v bnd:/data busybox sh -c 'cat /data/f; echo from-ctr > /data/g'
  [ "$status" -eq 0 ]
  [ "$output" = from-host ]
  [ "$(cat "$host/g")" = from-ctr ]
  not_mounted bnd
  # Read-only from the options: the bind is remounted read-only.
  skiff volume create -o type=none -o o=bind,ro -o device="$host" robnd >/dev/null
  run skiff run --rm -v robnd:/data busybox sh -c 'cat /data/f; touch /data/h'
  [ "${lines[0]}" = from-host ]
  [[ "$output" == *"Read-only file system"* ]]
  [ ! -e "$host/h" ]
  skiff volume rm bnd robnd >/dev/null
  [ "$(cat "$host/f")" = from-host ]
  [ "$(cat "$host/g")" = from-ctr ]
  # An anonymous bind volume goes with its --rm container (or rm -v): the
  # host directory stays as it is.
  skiff run --rm --mount "type=volume,target=/data,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=$host" \
    busybox sh -c 'echo again > /data/h' >/dev/null
  skiff run --name keep --mount "type=volume,target=/data,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=$host" \
    busybox cat /data/h >/dev/null
  skiff rm -v keep >/dev/null
  run skiff volume ls -q
  [ -z "$output" ]
  [ "$(cat "$host/f")" = from-host ]
  [ "$(cat "$host/h")" = again ]
}

@test "a volume that cannot be mounted fails the start in Docker's words, and leaves no mount" {
  skiff volume create -o type=none -o o=bind -o device=/nonexistent-skiff-dir bad >/dev/null
  run -127 skiff run --rm -v bad:/data busybox true
  # docker/cli exits 127 for an error saying "no such file or directory".
  assert_error 127 "error while mounting volume '$(mountpoint_of bad)': failed to mount local volume: mount /nonexistent-skiff-dir:$(mountpoint_of bad), flags: 0x1000: no such file or directory"
  not_mounted bad
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root/volumes/bad/users" 2>/dev/null || true)" ]
  # A volume mounted for the same start before the one that failed is let go.
  skiff volume create -o type=tmpfs -o device=tmpfs good >/dev/null
  run -127 skiff run --rm -v good:/a -v bad:/b busybox true
  not_mounted good
  # Docker reports a device type it cannot mount the same way.
  skiff volume create -o type=ext4 -o device=/dev/skiff-no-such-disk e4 >/dev/null
  # No such device as root (127, as docker/cli words it), no permission rootless.
  if rootless; then run -125 skiff run --rm -v e4:/data busybox true; else run -127 skiff run --rm -v e4:/data busybox true; fi
  [[ "$output" == "skiff: error while mounting volume '$(mountpoint_of e4)': failed to mount local volume: mount /dev/skiff-no-such-disk:$(mountpoint_of e4): "* ]]
}

@test "kill -9 of a supervisor: the next command unmounts the volume it left" {
  skiff volume create -o type=tmpfs -o device=tmpfs tmp >/dev/null
  skiff run -d --name k -v tmp:/data busybox sh -c 'echo x > /data/f; sleep 600' >/dev/null
  wait_for volume_mounted tmp
  sup=$(state_of k supervisor_pid)
  kill -9 "$sup"
  # The container dies with its supervisor; nothing has released the mount.
  wait_for test ! -e "/proc/$sup"
  run skiff ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "k Exited (255)"* ]]
  if rootless; then
    # ps stays outside the user namespace: the next run finds the mount
    # unused and replaces it.
    run skiff run --rm -v tmp:/data busybox ls -A /data
    [ -z "$output" ]
  fi
  not_mounted tmp
  run skiff run --rm -v tmp:/data busybox ls -A /data
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  not_mounted tmp
}

@test "--mount volume-opt and volume-driver: the volume the mount makes gets them" {
  skiff run --name m --mount 'type=volume,target=/data,volume-driver=local,volume-opt=type=tmpfs,volume-opt=device=tmpfs,"volume-opt=o=size=5m,mode=700"' \
    busybox sh -c 'df -k /data | tail -1; stat -c %a /data' >"$BATS_TEST_TMPDIR/out"
  [ "$(awk 'NR==1 {print $2}' "$BATS_TEST_TMPDIR/out")" = 5120 ]
  [ "$(sed -n 2p "$BATS_TEST_TMPDIR/out")" = 700 ]
  run skiff inspect -f '{{json .HostConfig.Mounts}}' m
  [ "$output" = '[{"Type":"volume","Target":"/data","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"device":"tmpfs","o":"size=5m,mode=700","type":"tmpfs"}}}}]' ]
  vol=$(skiff inspect -f '{{(index .Mounts 0).Name}}' m)
  run skiff volume inspect -f '{{json .Options}}' "$vol"
  [ "$output" = '{"device":"tmpfs","o":"size=5m,mode=700","type":"tmpfs"}' ]
  not_mounted "$vol"
  skiff rm -v m >/dev/null
  # Refused as Docker refuses them, and no volume is left.
  run skiff run --rm --mount type=volume,target=/data,volume-opt=bogus=1 busybox true
  [ "$status" -eq 125 ]
  [[ "$output" =~ ^skiff:\ create\ [0-9a-f]{64}:\ invalid\ option:\ \"bogus\"$ ]]
  run skiff run --rm --mount type=volume,target=/data,volume-driver=foo busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *'error looking up volume plugin foo: plugin "foo" not found' ]]
  run skiff run --rm --mount type=bind,src=/tmp,target=/data,volume-opt=a=b busybox true
  assert_error 125 "cannot mix 'volume-*' options with mount type 'bind'"
  run skiff volume ls -q
  [ -z "$output" ]
}
