#!/usr/bin/env bats
# Layer drivers: kernel overlayfs (the default where it works) and vfs, a
# plain copy of the image per container; the choice is recorded per store.

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
}

@test "a store keeps its driver: asking for another one is an error" {
  load_busybox
  run skiff --storage-driver vfs images
  [ "$status" -eq 1 ]
  [[ "$output" == "skiff: the store at "*"uses the overlay driver"* ]]
  run skiff --storage-driver bogus images
  [[ "$output" == "skiff: unknown storage driver \"bogus\""* ]]
}
