#!/usr/bin/env bats
# kill -9 in the middle of pull, load (also while it writes the image
# index) and rmi: afterwards the store shows no half image, never uses a
# partial layer, a repeat gives the right image, and debris of the killed
# command is swept by the next one (or by image prune). Each test stops
# the command with SIGSTOP at a point it can see on disk, checks that this
# is mid-way, then kills it.

load helpers
load registry

BIG_MB=64
MANY=30000

setup_file() {
  start_registries
  local d=$BATS_FILE_TMPDIR
  busybox_tar >/dev/null
  # Incompressible, so that the layer takes a while to stream.
  mkdir -p "$d/big"
  head -c "${BIG_MB}M" /dev/urandom > "$d/big/big.bin"
  tar --numeric-owner --owner=0 --group=0 -C "$d/big" -cf "$d/big.tar" big.bin
  sha "$d/big/big.bin" > "$d/big.sha"
  docker_archive "$d/bigimg.tar" big:1 "$(busybox_tar)" "$d/big.tar"
  reg_push "$d/bigimg.tar" "$REG_PLAIN/big:1"
  # Many files, so that deleting the layer takes a while.
  mkdir -p "$d/many/many"
  (cd "$d/many/many" && seq 1 $MANY | xargs touch)
  tar --numeric-owner --owner=0 --group=0 -C "$d/many" -cf "$d/many.tar" many
  docker_archive "$d/manyimg.tar" many:1 "$(busybox_tar)" "$d/many.tar"
}

teardown_file() {
  stop_registries
}

ROOT() { echo "$BATS_TEST_TMPDIR/root"; }

# Runs skiff in the background as the process itself (so $! is its PID).
skiff_bg() {
  ("$SKIFF_BIN" --root "$(ROOT)" --runroot "$BATS_TEST_TMPDIR/run" "$@" >"$BATS_TEST_TMPDIR/bg.out" 2>&1) &
}

# Stops process $1 as soon as command $2... succeeds (polled), within ~20 s.
stop_when() {
  local pid=$1 i
  shift
  for i in $(seq 1 2000); do
    if "$@"; then
      kill -STOP "$pid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  echo "never saw: $* ($(cat "$BATS_TEST_TMPDIR/bg.out"))"
  return 1
}

kill_stopped() {
  kill -KILL "$1"
  wait "$1" || true
}

# Bytes of the first file matching a glob, 0 if none (or gone meanwhile).
size_of() {
  local f
  for f in $1; do
    [ -f "$f" ] && { stat -c %s "$f" 2>/dev/null || echo 0; return; }
  done
  echo 0
}

# The big file is being extracted: some of it there, not all.
extracting_big() {
  local n
  n=$(size_of "$(ROOT)/layers/.tmp-*/diff/big.bin")
  [ "$n" -gt 0 ] && [ "$n" -lt $((BIG_MB << 20)) ]
}

layer_dirs() { find "$(ROOT)/layers" -mindepth 1 -maxdepth 1 -not -name '.*' | wc -l; }
layer_debris() { find "$(ROOT)/layers" -mindepth 1 -maxdepth 1 -name '.*' | wc -l; }
scratch_debris() { find "$(ROOT)/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

config_of_registry() {
  curl -sf "http://$REG_PLAIN/v2/big/manifests/1" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' | jq -r .config.digest
}

# The image ID a docker-archive gives: its config file's digest.
config_of_archive() {
  echo "sha256:$(tar -xOf "$1" ./manifest.json | jq -r '.[0].Config' | cut -d. -f1)"
}

@test "kill -9 during pull: no image, no partial layer; image prune sweeps; pull again" {
  skiff_bg pull -q --tls-verify=false "$REG_PLAIN/big:1"
  local pid=$!
  stop_when $pid extracting_big
  [ -z "$(skiff images -q)" ]
  kill_stopped $pid

  run skiff images -q
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ "$(layer_debris)" -ge 1 ]
  # No image needs anything in the store: prune leaves it empty.
  run skiff image prune -f
  [ "$status" -eq 0 ]
  [ "$(layer_dirs)" -eq 0 ]
  [ "$(layer_debris)" -eq 0 ]

  run skiff pull -q --tls-verify=false "$REG_PLAIN/big:1"
  [ "$status" -eq 0 ]
  [ "$(skiff image inspect --format '{{.Id}}' "$REG_PLAIN/big:1")" = "$(config_of_registry)" ]
  run skiff run --rm "$REG_PLAIN/big:1" sha256sum /big.bin
  [ "${output%% *}" = "$(cat "$BATS_FILE_TMPDIR/big.sha")" ]
  [ "$(layer_dirs)" -eq 2 ]
}

@test "kill -9 during pull: the next pull sweeps the debris and stores only what the image needs" {
  skiff_bg pull -q --tls-verify=false "$REG_PLAIN/big:1"
  local pid=$!
  stop_when $pid extracting_big
  kill_stopped $pid
  [ "$(layer_debris)" -ge 1 ]

  run skiff pull --tls-verify=false "$REG_PLAIN/big:1"
  [ "$status" -eq 0 ]
  [ "${lines[-2]}" = "Status: Downloaded newer image for $REG_PLAIN/big:1" ]
  [ "$(skiff image inspect --format '{{.Id}}' "$REG_PLAIN/big:1")" = "$(config_of_registry)" ]
  [ "$(layer_debris)" -eq 0 ]
  [ "$(layer_dirs)" -eq 2 ]
  run skiff run --rm "$REG_PLAIN/big:1" sha256sum /big.bin
  [ "${output%% *}" = "$(cat "$BATS_FILE_TMPDIR/big.sha")" ]
  # Nothing more to reclaim.
  run skiff image prune -f
  [ "$output" = "Total reclaimed space: 0B" ]
  [ "$(layer_dirs)" -eq 2 ]
}

# The archive is being copied into the store's scratch directory.
reading_archive() {
  local f
  for f in "$(ROOT)"/tmp/*/*/layer.tar; do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 0 ] && [ "$(stat -c %s "$f")" -lt $((BIG_MB << 20)) ] && return 0
  done
  return 1
}

@test "kill -9 during load, while the archive is read: nothing loaded; load again sweeps it" {
  skiff_bg load -i "$BATS_FILE_TMPDIR/bigimg.tar"
  local pid=$!
  stop_when $pid reading_archive
  kill_stopped $pid
  [ -z "$(skiff images -q)" ]
  [ "$(scratch_debris)" -eq 1 ]

  run skiff load -i "$BATS_FILE_TMPDIR/bigimg.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: big:1" ]
  [ "$(skiff image inspect --format '{{.Id}}' big:1)" = "$(config_of_archive "$BATS_FILE_TMPDIR/bigimg.tar")" ]
  [ "$(scratch_debris)" -eq 0 ]
  [ "$(layer_debris)" -eq 0 ]
  [ "$(layer_dirs)" -eq 2 ]
}

# A layer is being stored (the archive is read by then).
storing_layer() { compgen -G "$(ROOT)/layers/.tmp-*" >/dev/null; }

@test "kill -9 during load, while a layer is stored: nothing loaded; load again gives the image" {
  skiff_bg load -i "$BATS_FILE_TMPDIR/bigimg.tar"
  local pid=$!
  stop_when $pid storing_layer
  [ "$(scratch_debris)" -eq 1 ]
  kill_stopped $pid
  [ -z "$(skiff images -q)" ]
  [ "$(layer_debris)" -ge 1 ]

  run skiff load -i "$BATS_FILE_TMPDIR/bigimg.tar"
  [ "$status" -eq 0 ]
  [ "$(skiff image inspect --format '{{.Id}}' big:1)" = "$(config_of_archive "$BATS_FILE_TMPDIR/bigimg.tar")" ]
  run skiff run --rm big:1 sha256sum /big.bin
  [ "${output%% *}" = "$(cat "$BATS_FILE_TMPDIR/big.sha")" ]
  [ "$(scratch_debris)" -eq 0 ]
  [ "$(layer_debris)" -eq 0 ]
  [ "$(layer_dirs)" -eq 2 ]
}

# Files left in the many-files layer, wherever rmi has it; MANY until
# the deletion starts.
many_left() {
  local d
  for d in "$(ROOT)"/layers/*/diff/many "$(ROOT)"/layers/.tmp-*/diff/many; do
    [ -d "$d" ] && { find "$d" -mindepth 1 -maxdepth 1 | wc -l; return; }
  done
  echo 0
}

deleting_many() {
  local n
  n=$(many_left)
  [ "$n" -gt 0 ] && [ "$n" -lt $MANY ]
}

@test "kill -9 during rmi: the image is gone and no layer is left half deleted under its ID" {
  skiff load -i "$BATS_FILE_TMPDIR/manyimg.tar" >/dev/null
  [ "$(many_left)" -eq $MANY ]
  skiff_bg rmi many:1
  local pid=$!
  stop_when $pid deleting_many
  kill_stopped $pid
  [ -z "$(skiff images -q)" ]

  # Loading it again must not take what is left of the layer for the layer.
  run skiff load -i "$BATS_FILE_TMPDIR/manyimg.tar"
  [ "$status" -eq 0 ]
  run skiff run --rm many:1 sh -c 'ls /many | wc -l'
  [ "$output" -eq $MANY ]
  # save writes each layer again from its files and checks its digest.
  run skiff save -o "$BATS_TEST_TMPDIR/again.tar" many:1
  [ "$status" -eq 0 ]
  [ "$(layer_debris)" -eq 0 ]
  [ "$(layer_dirs)" -eq 2 ]
  skiff rmi many:1 >/dev/null
  [ "$(layer_dirs)" -eq 0 ]
  [ "$(layer_debris)" -eq 0 ]
}

# The image index is being written: its temporary file is there. A store
# with a huge index (half a million names) makes the write take a while.
writing_index() { compgen -G "$(ROOT)/images.json.tmp-*" >/dev/null; }

# Loads a small archive on a store whose index is huge and kills the load
# -9 while it writes the index. The file is there for a tenth of a second
# or so: on a busy machine the poll can miss it, and then the load is
# undone and tried again.
kill_during_index_write() {
  local gen=$BATS_TEST_DIRNAME/archive-gen
  "$gen" make "$BATS_TEST_TMPDIR/one.tar" docker --tag one
  "$gen" make "$BATS_TEST_TMPDIR/two.tar" docker --tag two
  skiff load -i "$BATS_TEST_TMPDIR/one.tar" >/dev/null
  jq --argjson n 500000 '.[0].names += [range($n) | "docker.io/library/n\(.):latest"]' \
    "$(ROOT)/images.json" > "$BATS_TEST_TMPDIR/index" && cp "$BATS_TEST_TMPDIR/index" "$(ROOT)/images.json"
  local try pid deadline
  for try in 1 2 3 4 5; do
    # The index as it is before the load, to compare with after.
    cp "$(ROOT)/images.json" "$BATS_TEST_TMPDIR/index"
    skiff_bg load -i "$BATS_TEST_TMPDIR/two.tar"
    pid=$!
    deadline=$((SECONDS + 120))
    # Polled without a pause, until the file shows or the load ends.
    until writing_index; do
      kill -0 $pid 2>/dev/null && [ $SECONDS -lt $deadline ] || break
    done
    kill -STOP $pid 2>/dev/null || true
    if writing_index; then
      kill_stopped $pid
      return 0
    fi
    kill -KILL $pid 2>/dev/null || true
    wait $pid || true
    skiff rmi two:1 >/dev/null 2>&1 || true
  done
  echo "never saw the index being written: $(cat "$BATS_TEST_TMPDIR/bg.out")"
  return 1
}

@test "kill -9 while load writes the image index: the index is whole; the next writer sweeps the temp file" {
  kill_during_index_write
  # The index is the old one, whole.
  cmp "$BATS_TEST_TMPDIR/index" "$(ROOT)/images.json"
  [ "$(skiff images -q | wc -l)" -eq 1 ]
  writing_index
  run skiff load -i "$BATS_TEST_TMPDIR/two.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: two:1" ]
  [ -z "$(ls -A "$(ROOT)" | grep -F .tmp-)" ]
}

@test "kill -9 while load writes the image index: image prune sweeps the temp file" {
  kill_during_index_write
  writing_index
  run skiff image prune -f
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$(ROOT)" | grep -F .tmp-)" ]
  [ "$(skiff images -q | wc -l)" -eq 1 ]
}
