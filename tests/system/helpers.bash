# Shared setup for the system tests: every test gets its own --root and
# --runroot, so tests never see each other's containers or images.

SKIFF_BIN=${SKIFF_BIN:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build/skiff}
FIXTURES=${FIXTURES:-$BATS_TEST_DIRNAME/../fixtures}
BUSYBOX_TAR=${BUSYBOX_TAR:-$BATS_RUN_TMPDIR/busybox.tar}

skiff() {
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" "$@"
}

rootless() { [ "$(id -u)" -ne 0 ]; }

# The busybox root filesystem tarball (made once per run); prints its path.
busybox_tar() {
  if [ ! -f "$BUSYBOX_TAR" ]; then
    "$FIXTURES/make-busybox-rootfs" "$BUSYBOX_TAR.tmp.$$" && mv "$BUSYBOX_TAR.tmp.$$" "$BUSYBOX_TAR"
  fi
  echo "$BUSYBOX_TAR"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Imports the busybox fixture as busybox:latest (CMD sh).
load_busybox() {
  skiff import --change 'CMD ["sh"]' "$(busybox_tar)" busybox:latest >/dev/null
}

# Removes everything the test made through skiff itself, so files owned by
# mapped IDs (rootless) are deleted from inside the user namespace. Files
# with a teardown of their own call it.
teardown() {
  teardown_store
}

teardown_store() {
  [ -d "$BATS_TEST_TMPDIR/root" ] || return 0
  local ids
  ids=$(skiff ps -aq 2>/dev/null) || true
  [ -z "$ids" ] || skiff rm -f -v $ids >/dev/null 2>&1 || true
  ids=$(skiff images -q 2>/dev/null) || true
  [ -z "$ids" ] || skiff rmi -f $ids >/dev/null 2>&1 || true
  skiff volume prune -a -f >/dev/null 2>&1 || true
  skiff builder prune -a -f >/dev/null 2>&1 || true
  remove_bridges "$BATS_TEST_TMPDIR/root" "$BATS_TEST_TMPDIR/run"
}

# remove_bridges ROOT RUNROOT [flags]: bridges are the host's, not the
# store's. The store's networks go (and their DNS servers), and as root
# the bridges and rules of those left (the default network's, which no
# command removes, as Docker keeps docker0).
remove_bridges() {
  local f id br
  "$SKIFF_BIN" --root "$1" --runroot "$2" "${@:3}" network prune -f >/dev/null 2>&1 || true
  if rootless; then
    # The store's network namespace would end by itself a minute later.
    [ -f "$2/netns/netns.pid" ] && kill "$(cut -d' ' -f1 "$2/netns/netns.pid")" 2>/dev/null
    return 0
  fi
  for f in "$1"/networks/*.json; do
    [ -f "$f" ] || continue
    id=$(jq -r '.id // .Id // empty' "$f") br=$(jq -r '.bridge // empty' "$f")
    [ -n "$br" ] && ip link del "$br" 2>/dev/null
    [ -n "$id" ] && nft delete table inet "skiff_${id:0:12}" 2>/dev/null
  done
  return 0
}

# Empties a store other than the test's own: clean_store ROOT RUNROOT [flags].
clean_store() {
  local s=("$SKIFF_BIN" --root "$1" --runroot "$2" "${@:3}") ids
  [ -d "$1" ] || return 0
  ids=$("${s[@]}" ps -aq 2>/dev/null) || true
  [ -z "$ids" ] || "${s[@]}" rm -f $ids >/dev/null 2>&1 || true
  ids=$("${s[@]}" images -q 2>/dev/null) || true
  [ -z "$ids" ] || "${s[@]}" rmi -f $ids >/dev/null 2>&1 || true
  remove_bridges "$@"
}

# The storage drivers a test compares with the default one: vfs, and
# fuse-overlayfs where its program and a writable /dev/fuse are (else a
# note says it was not checked).
other_drivers() {
  echo vfs
  if command -v fuse-overlayfs >/dev/null && [ -w /dev/fuse ]; then
    echo fuse-overlayfs
  else
    echo "# fuse-overlayfs or a writable /dev/fuse missing: fuse-overlayfs not checked" >&3
  fi
}

# on_driver DRV ARGS...: skiff on a store of its own with storage driver DRV.
on_driver() {
  local drv=$1
  shift
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/$drv/root" --runroot "$BATS_TEST_TMPDIR/$drv/run" --storage-driver "$drv" "$@"
}

# Empties the stores on_driver made.
teardown_driver_stores() {
  local drv
  for drv in vfs fuse-overlayfs; do
    clean_store "$BATS_TEST_TMPDIR/$drv/root" "$BATS_TEST_TMPDIR/$drv/run" --storage-driver $drv
  done
}

# Waits until CMD succeeds, up to ~5 s.
wait_for() {
  local i
  for i in $(seq 1 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  "$@"
}

# Whether container $1's log holds at least $2 lines.
log_has_lines() {
  [ "$(skiff logs "$1" 2>&1 | wc -l)" -ge "$2" ]
}

# Asserts that the last `run` failed with `code` and printed one skiff: line
# containing `text`.
assert_error() {
  local code=$1 text=$2
  [ "$status" -eq "$code" ] || { echo "exit $status, want $code: $output"; return 1; }
  [[ "$output" == *"skiff: "*"$text"* ]] || { echo "output lacks '$text': $output"; return 1; }
}

# A static build of tests/fixtures/syscall.c (made once per run), for
# system calls busybox has no applet for; prints its path.
syscall_tool() {
  local bin=$BATS_RUN_TMPDIR/syscall
  if [ ! -x "$bin" ]; then
    cc -static -O2 -o "$bin.tmp.$$" "$FIXTURES/syscall.c" && mv "$bin.tmp.$$" "$bin"
  fi
  echo "$bin"
}
