#!/usr/bin/env bats
# The store's own files read by type: a damaged images.json, layer.json,
# container config.json or state.json, or volume.json makes the commands
# that read it fail with one line naming the file and the field, never
# crash; once the file is right again everything works as before.

load helpers

ROOT() { echo "$BATS_TEST_TMPDIR/root"; }

# Replaces the JSON file $1 by the jq filter $2 applied to it, keeping the
# original in $1.orig.
damage() {
  cp "$1" "$1.orig"
  jq -c "$2" "$1.orig" > "$1"
}
repair() { mv "$1.orig" "$1"; }

# The last `run` failed with exit $1 and printed exactly one line: "skiff: $2".
one_line() {
  [ "$status" -eq "$1" ] || { echo "exit $status, want $1: $output"; return 1; }
  [ "$output" = "skiff: $2" ] || { echo "got: $output"; echo "want: skiff: $2"; return 1; }
}

# The same for inspect, which also prints the (empty) list of what it found.
inspect_failed() {
  [ "$status" -eq 1 ] || { echo "exit $status: $output"; return 1; }
  [ "$output" = "skiff: $1"$'\n[]' ] || { echo "got: $output"; echo "want: skiff: $1"; return 1; }
}

@test "a damaged images.json: one line naming it and the field, for every command reading it" {
  load_busybox
  local f
  f=$(ROOT)/images.json
  damage "$f" '.[0].id = 5'
  run skiff images
  one_line 1 "$f: [0].id: expected a string, got a number"
  run skiff run --rm busybox true
  one_line 125 "$f: [0].id: expected a string, got a number"
  run skiff rmi busybox
  one_line 1 "$f: [0].id: expected a string, got a number"
  run skiff tag busybox b:2
  one_line 1 "$f: [0].id: expected a string, got a number"
  jq -c '.[0].layers = ["../../../etc"]' "$f.orig" > "$f"
  run skiff image inspect busybox
  inspect_failed "$f: [0].layers[0]: expected 64 hex digits"
  printf '[{"id":' > "$f"
  run skiff images
  one_line 1 "$f: not valid JSON at line 1, column 8"
  repair "$f"
  run skiff run --rm busybox echo fine
  [ "$output" = "fine" ]
}

@test "a damaged layer.json: one line naming it" {
  load_busybox
  local f
  f=$(ls "$(ROOT)"/layers/*/layer.json)
  damage "$f" '.size = "big"'
  run skiff history busybox
  one_line 1 "$f: size: expected an integer, got a string"
  run skiff save -o "$BATS_TEST_TMPDIR/b.tar" busybox
  [ "$status" -eq 1 ]
  [[ "$output" == "skiff: $f: size: expected an integer, got a string" ]]
  [ ! -e "$BATS_TEST_TMPDIR/b.tar" ]
  jq -c '.diff_id = 5' "$f.orig" > "$f"
  run skiff history busybox
  one_line 1 "$f: diff_id: expected a string, got a number"
  repair "$f"
  run skiff history -q busybox
  [ "$status" -eq 0 ]
}

@test "a damaged container config.json or state.json: one line naming it" {
  load_busybox
  local id
  id=$(skiff create --name c1 busybox true)
  local cfg=$(ROOT)/containers/$id/config.json
  damage "$cfg" '.name = 5'
  run skiff ps -a
  one_line 1 "$cfg: name: expected a string, got a number"
  run skiff inspect "$id"
  inspect_failed "$cfg: name: expected a string, got a number"
  run skiff start "$id"
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: $cfg: name: expected a string, got a number" ]
  [ "${lines[1]}" = "skiff: failed to start containers: $id" ]
  [ "${#lines[@]}" -eq 2 ]
  repair "$cfg"
  run skiff start -a c1
  [ "$status" -eq 0 ]
  local st=$(ROOT)/containers/$id/state.json
  damage "$st" '.exit_code = "zero"'
  run skiff ps -a
  one_line 1 "$st: exit_code: expected an integer, got a string"
  run skiff wait c1
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: $st: exit_code: expected an integer, got a string" ]
  repair "$st"
  run skiff ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "c1 Exited (0)"* ]]
}

@test "a damaged volume.json: one line naming it" {
  skiff volume create v1 >/dev/null
  local f=$(ROOT)/volumes/v1/volume.json
  damage "$f" '.Name = 5'
  run skiff volume ls
  one_line 1 "$f: Name: expected a string, got a number"
  run skiff volume inspect v1
  inspect_failed "$f: Name: expected a string, got a number"
  jq -c 'del(.Mountpoint)' "$f.orig" > "$f"
  run skiff volume ls -q
  one_line 1 "$f: Mountpoint: missing"
  repair "$f"
  run skiff volume ls -q
  [ "$output" = "v1" ]
}
