#!/usr/bin/env bats
# Layer drivers: kernel overlayfs (the default where it works), the same
# layers served by fuse-overlayfs, and vfs, a plain copy of the image per
# container; the choice is recorded per store.

load helpers

# Loads multi:1: layer 1 is busybox plus /data/{a,keep} and /opq/{old1,old2};
# layer 2 adds /data/b, whites out /data/a and makes /opq opaque with /opq/new.
load_multi() {
  local d=$BATS_TEST_TMPDIR/ml
  mkdir -p "$d/l1/data" "$d/l1/opq" "$d/l2/data" "$d/l2/opq" "$d/arc/1" "$d/arc/2"
  echo a > "$d/l1/data/a"
  echo keep > "$d/l1/data/keep"
  echo 1 > "$d/l1/opq/old1"
  echo 2 > "$d/l1/opq/old2"
  echo b > "$d/l2/data/b"
  : > "$d/l2/data/.wh.a"
  : > "$d/l2/opq/.wh..wh..opq"
  echo new > "$d/l2/opq/new"
  cp "$(busybox_tar)" "$d/arc/1/layer.tar"
  tar --numeric-owner --owner=0 --group=0 -C "$d/l1" -rf "$d/arc/1/layer.tar" ./data ./opq
  tar --numeric-owner --owner=0 --group=0 -C "$d/l2" -cf "$d/arc/2/layer.tar" ./data ./opq
  jq -n --arg a "sha256:$(sha "$d/arc/1/layer.tar")" --arg b "sha256:$(sha "$d/arc/2/layer.tar")" \
    '{architecture:"amd64", os:"linux", config:{Cmd:["sh"]}, rootfs:{type:"layers", diff_ids:[$a,$b]}}' \
    > "$d/cfg.json"
  local cfg
  cfg=$(sha "$d/cfg.json")
  mv "$d/cfg.json" "$d/arc/$cfg.json"
  jq -n --arg c "$cfg.json" '[{Config:$c, RepoTags:["multi:1"], Layers:["1/layer.tar","2/layer.tar"]}]' \
    > "$d/arc/manifest.json"
  tar -C "$d/arc" -cf "$d/multi.tar" .
  skiff "$@" load -i "$d/multi.tar" >/dev/null
}

check_layers_merge() {
  run skiff run --rm --network none multi:1 sh -c 'ls /data; echo --; ls /opq'
  [ "$status" -eq 0 ]
  [ "$(tr '\n' ' ' <<<"$output")" = "b keep -- new " ]
  # A container's writes stay its own.
  run skiff run --rm --network none multi:1 sh -c 'echo mine > /data/keep; rm /data/b; cat /data/keep'
  [ "$output" = "mine" ]
  run skiff run --rm --network none multi:1 sh -c 'cat /data/keep /data/b'
  [ "$output" = "$(printf 'keep\nb')" ]
}

# PIDs of the fuse-overlayfs daemon serving container $1's root, if any.
fuse_daemons() {
  pgrep -f "upperdir=$BATS_TEST_TMPDIR/root/containers/$1/upper," || true
}

no_fuse_daemon() { [ -z "$(fuse_daemons "$1")" ]; }

@test "overlay is the default where it works, and is recorded" {
  load_multi
  [ "$(cat "$BATS_TEST_TMPDIR/root/driver")" = "overlay" ]
  run skiff info --format '{{.Driver}}'
  [ "$output" = "overlay" ]
  check_layers_merge
}

@test "--storage-driver vfs copies the image per container with whiteouts and opaque dirs applied" {
  load_multi --storage-driver vfs
  [ "$(cat "$BATS_TEST_TMPDIR/root/driver")" = "vfs" ]
  run skiff info --format '{{.Driver}}'
  [ "$output" = "vfs" ]
  check_layers_merge
  # The container's root is a directory of its own, not an overlay mount.
  run skiff run --rm --network none multi:1 sh -c "grep ' / ' /proc/mounts | cut -d' ' -f3"
  [ "$output" != "overlay" ]
  # No layer directories to show, as Docker's vfs.
  run skiff image inspect -f '{{.GraphDriver.Name}} {{json .GraphDriver.Data}}' multi:1
  [ "$output" = "vfs null" ]
  local id
  id=$(skiff create --network none multi:1 true)
  run skiff inspect -f '{{.Driver}} {{.GraphDriver.Name}} {{json .GraphDriver.Data}}' "$id"
  [ "$output" = "vfs vfs null" ]
}

@test "inspect's GraphDriver: an image's layers top first, a container's upper and work dirs over them" {
  load_multi
  local root=$BATS_TEST_TMPDIR/root name top low id
  run skiff image inspect -f '{{.GraphDriver.Name}} {{.GraphDriver.Data.UpperDir}} {{.GraphDriver.Data.LowerDir}}' multi:1
  [ "$status" -eq 0 ]
  read -r name top low <<<"$output"
  [ "$name" = "overlay" ]
  [[ $top == "$root"/layers/*/diff && $low == "$root"/layers/*/diff ]]
  # The top layer made /data/b; the one below it holds /data/keep.
  [ "$(cat "$top/data/b")" = "b" ]
  [ "$(cat "$low/data/keep")" = "keep" ]
  id=$(skiff create --network none multi:1 true)
  run skiff inspect -f '{{.Driver}} {{.GraphDriver.Data.LowerDir}} {{.GraphDriver.Data.UpperDir}} {{.GraphDriver.Data.WorkDir}}' "$id"
  [ "$output" = "overlay $top:$low $root/containers/$id/upper $root/containers/$id/work" ]
}

@test "a store keeps its driver: asking for another one is an error" {
  load_busybox
  run skiff --storage-driver vfs images
  [ "$status" -eq 1 ]
  [[ "$output" == "skiff: the store at "*"uses the overlay driver"* ]]
  run skiff --storage-driver bogus images
  [[ "$output" == "skiff: unknown storage driver \"bogus\""* ]]
}

@test "--storage-driver fuse-overlayfs serves the root through fuse-overlayfs with whiteouts and opaque dirs applied" {
  load_multi --storage-driver fuse-overlayfs
  [ "$(cat "$BATS_TEST_TMPDIR/root/driver")" = "fuse-overlayfs" ]
  run skiff info --format '{{.Driver}}'
  [ "$output" = "fuse-overlayfs" ]
  check_layers_merge
  run skiff run --rm --network none multi:1 sh -c "grep ' / ' /proc/mounts | cut -d' ' -f1,3"
  [ "$output" = "fuse-overlayfs fuse.fuse-overlayfs" ]
  run skiff image inspect -f '{{.GraphDriver.Name}}' multi:1
  [ "$output" = "fuse-overlayfs" ]
}

@test "fuse-overlayfs: changes land in the upper dir, exec sees them, and no daemon outlives the container" {
  load_multi --storage-driver fuse-overlayfs
  local root=$BATS_TEST_TMPDIR/root id
  run skiff run -d --network none multi:1 sh -c 'echo mine > /new; rm /data/keep; touch /ready; sleep 1000'
  [ "$status" -eq 0 ]
  id=$output
  wait_for skiff exec "$id" test -e /ready
  run skiff inspect -f '{{.Driver}} {{.GraphDriver.Name}} {{.GraphDriver.Data.UpperDir}}' "$id"
  [ "$output" = "fuse-overlayfs fuse-overlayfs $root/containers/$id/upper" ]
  # exec joins the container's mount namespace: the same root.
  run skiff exec "$id" sh -c 'cat /new; ls /data'
  [ "$output" = "$(printf 'mine\nb')" ]
  # The new file is in the container's upper dir and in no layer; the
  # removed one is a whiteout there and still whole in its layer.
  [ "$(cat "$root/containers/$id/upper/new")" = "mine" ]
  run find "$root/layers" -path '*/diff/new'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ -c "$root/containers/$id/upper/data/keep" ] || [ -e "$root/containers/$id/upper/data/.wh.keep" ]
  [ "$(cat "$root"/layers/*/diff/data/keep)" = "keep" ]
  # One daemon serves the root, from outside the container's PID namespace.
  run fuse_daemons "$id"
  [ "${#lines[@]}" -eq 1 ]
  run skiff exec "$id" ps
  [ "$status" -eq 0 ]
  [[ "$output" == *"sleep 1000"* ]]
  [[ "$output" != *fuse-overlayfs* ]]
  # Its root goes with the container, and comes back on start with the
  # container's changes.
  skiff stop -t 0 "$id" >/dev/null
  wait_for no_fuse_daemon "$id"
  skiff start "$id" >/dev/null
  wait_for skiff exec "$id" test -e /ready
  run skiff exec "$id" cat /new
  [ "$output" = "mine" ]
  run fuse_daemons "$id"
  [ "${#lines[@]}" -eq 1 ]
  run skiff rm -f "$id"
  [ "$status" -eq 0 ]
  wait_for no_fuse_daemon "$id"
  [ ! -e "$root/containers/$id" ]
  # Nothing was ever mounted on the host.
  run grep -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo
  [ "$status" -eq 1 ]
}

@test "fuse-overlayfs: a --userns=keep-id container's files keep the user's ID inside and on disk" {
  rootless || skip "--userns=keep-id is for rootless containers"
  skiff --storage-driver fuse-overlayfs import --change 'CMD ["sh"]' "$(busybox_tar)" busybox:latest >/dev/null
  local me id
  me=$(id -u)
  run skiff run -d --network none --userns=keep-id busybox \
    sh -c 'id -u; stat -c %u /bin/busybox; touch /mine /ready; sleep 1000'
  [ "$status" -eq 0 ]
  id=$output
  wait_for skiff exec "$id" test -e /ready
  # The supervisor writes the log in batches, within 20 ms of the output.
  wait_for log_has_lines "$id" 2
  run skiff logs "$id"
  [ "$output" = "$(printf '%s\n%s' "$me" "$me")" ] || { echo "$output"; return 1; }
  run skiff exec "$id" stat -c %u /mine
  [ "$output" = "$me" ]
  [ "$(stat -c %u "$BATS_TEST_TMPDIR/root/containers/$id/upper/mine")" = "$me" ]
}

@test "where kernel overlayfs cannot be mounted, a new store takes fuse-overlayfs" {
  rootless && skip "needs a mount namespace of its own to put the store on overlayfs"
  # overlayfs refuses another overlayfs as its upper layer, and the store's
  # probe mount has its upper dir inside the store.
  local d=$BATS_TEST_TMPDIR/ov
  mkdir -p "$d/l" "$d/u" "$d/w" "$d/m"
  run unshare -m sh -c '
    mount --make-rprivate / &&
    mount -t overlay overlay -o "lowerdir=$1/l,upperdir=$1/u,workdir=$1/w" "$1/m" &&
    "$2" --root "$1/m/root" --runroot "$1/run" import --change "CMD [\"sh\"]" "$3" busybox >/dev/null &&
    cat "$1/m/root/driver" &&
    "$2" --root "$1/m/root" --runroot "$1/run" run --rm --network none busybox sh -c "echo hi > /x; cat /x"' \
    _ "$d" "$SKIFF_BIN" "$(busybox_tar)"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'fuse-overlayfs\nhi')" ]
}

@test "--storage-driver fuse-overlayfs without the program is an error and records nothing" {
  # Everything skiff needs on PATH but fuse-overlayfs.
  local bin=$BATS_TEST_TMPDIR/bin
  mkdir -p "$bin"
  ln -s "$(command -v newuidmap)" "$(command -v newgidmap)" "$bin/"
  run env PATH="$bin" "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
    --storage-driver fuse-overlayfs import "$(busybox_tar)" busybox:latest
  assert_error 1 "the fuse-overlayfs driver needs the fuse-overlayfs program (Debian package fuse-overlayfs)"
  [ ! -e "$BATS_TEST_TMPDIR/root/driver" ]
}

@test "a fuse-overlayfs store keeps its driver; an unknown driver's error lists all three" {
  skiff --storage-driver fuse-overlayfs import --change 'CMD ["sh"]' "$(busybox_tar)" busybox:latest >/dev/null
  [ "$(cat "$BATS_TEST_TMPDIR/root/driver")" = "fuse-overlayfs" ]
  run skiff --storage-driver overlay images
  assert_error 1 "the store at $BATS_TEST_TMPDIR/root uses the fuse-overlayfs driver: use --storage-driver fuse-overlayfs or another --root"
  run skiff --storage-driver fuse-overlayfs images
  [ "$status" -eq 0 ]
  [[ "$output" == *busybox* ]]
  run skiff --storage-driver bogus images
  assert_error 1 'unknown storage driver "bogus": use overlay, fuse-overlayfs or vfs'
}

@test "an unknown driver, asked for (nothing is made) or recorded in the store, is an error" {
  run skiff --storage-driver bogus images
  assert_error 1 'unknown storage driver "bogus": use overlay, fuse-overlayfs or vfs'
  [ ! -e "$BATS_TEST_TMPDIR/root" ]
  mkdir -p "$BATS_TEST_TMPDIR/root"
  echo zfs > "$BATS_TEST_TMPDIR/root/driver"
  run skiff images
  assert_error 1 "$BATS_TEST_TMPDIR/root/driver names an unknown storage driver \"zfs\""
  run skiff --storage-driver vfs images
  assert_error 1 "$BATS_TEST_TMPDIR/root/driver names an unknown storage driver \"zfs\""
  [ "$(cat "$BATS_TEST_TMPDIR/root/driver")" = zfs ]
}
