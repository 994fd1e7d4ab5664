#!/usr/bin/env bats
# kill -9 of rm -f at random points, many times over: whatever the killed
# command left, the next command (ps, inspect, rm, run with the name)
# either shows the container or finishes its removal, so that no
# directory, process, name or volume is left that nothing sees or cleans.

load helpers

ROUNDS=30
FILES=300

setup() {
  load_busybox
  # Unique to this test, to find its containers' processes.
  TOKEN=$((100000 + $$ % 100000))
}

# A running container with files in its writable layer (deleting them
# takes a while) and an anonymous volume, once it is ready.
run_victim() {
  run skiff run -d --network none --name victim -v /data busybox \
    sh -c "mkdir /many && cd /many && seq 1 $FILES | xargs touch && touch /data/x && echo ready && exec sleep $TOKEN"
  [ "$status" -eq 0 ] || { echo "run: $output"; return 1; }
  local i
  for i in $(seq 1 200); do
    skiff logs victim | grep -q ready && return 0
    sleep 0.1
  done
  echo "the victim never got ready"
  return 1
}

# The IDs ps -a shows, one per line.
visible() { skiff ps -aq --no-trunc; }

# Every container directory, run directory and name belongs to a
# container ps -a shows, and no process of a container it does not show
# is left.
nothing_unseen() {
  local ids d n
  ids=$(visible)
  for d in "$BATS_TEST_TMPDIR"/root/containers/* "$BATS_TEST_TMPDIR"/run/containers/*; do
    [ -e "$d" ] || continue
    grep -qx "$(basename "$d")" <<<"$ids" || { echo "unseen directory $d"; return 1; }
  done
  for n in "$BATS_TEST_TMPDIR"/root/names/*; do
    [ -L "$n" ] || continue
    grep -qx "$(readlink "$n")" <<<"$ids" || { echo "unseen name $n"; return 1; }
  done
  if [ -z "$ids" ] && pgrep -fx "sleep $TOKEN" >/dev/null; then
    echo "a process of a removed container is left"
    return 1
  fi
}

# Anonymous volumes of containers that are gone (rm -v removes them).
orphan_volumes() {
  local used="" id v
  for id in $(skiff ps -aq); do
    used+=" $(skiff inspect --format '{{range .Mounts}}{{.Name}} {{end}}' "$id")"
  done
  for v in $(skiff volume ls -q); do
    grep -qw "$v" <<<"$used" || echo "$v"
  done
}

@test "kill -9 of rm -f -v at random points leaves nothing the next command does not see or clean" {
  local i pid delay next half=0 t0 span
  local -a nexts=(ps inspect rm run)
  # How long a whole rm -f -v takes here, now (a busy machine stretches
  # it): the kills land anywhere in that span, or just after.
  run_victim
  t0=$(date +%s%N)
  skiff rm -f -v victim >/dev/null
  span=$((($(date +%s%N) - t0) / 1000000 * 12 / 10 + 1))
  for i in $(seq 1 $ROUNDS); do
    run_victim
    ("$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" rm -f -v victim >/dev/null 2>&1) &
    pid=$!
    delay=$((RANDOM % span))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" || true

    # Half removed: a directory left without its config.
    if compgen -G "$BATS_TEST_TMPDIR/root/containers/*" >/dev/null &&
      ! compgen -G "$BATS_TEST_TMPDIR/root/containers/*/config.json" >/dev/null; then
      half=$((half + 1))
    fi
    next=${nexts[$((i % 4))]}
    case $next in
      ps) skiff ps -a >/dev/null ;;
      inspect) skiff inspect victim >/dev/null 2>&1 || true ;;
      rm) skiff rm -f -v victim >/dev/null 2>&1 || true ;;
      run)
        if ! visible | grep -q .; then
          # The name is free again.
          run skiff run --network none --name victim busybox echo reused
          [ "$output" = "reused" ] || { echo "round $i: run --name: $output"; return 1; }
        fi
        ;;
    esac
    nothing_unseen || { echo "round $i, killed after ${delay} ms, then $next"; return 1; }
    [ -z "$(orphan_volumes)" ] || { echo "round $i: volumes left: $(orphan_volumes)"; return 1; }
    skiff rm -f -v victim >/dev/null 2>&1 || true
  done
  echo "# $half of $ROUNDS rounds left a removal half done" >&3
  [ "$half" -gt 0 ]
  [ -z "$(visible)" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root/containers")" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/run/containers")" ]
  [ -z "$(skiff volume ls -q)" ]
  ! pgrep -fx "sleep $TOKEN"
  # Nothing uses the image any more.
  run skiff rmi busybox
  [ "$status" -eq 0 ]
}
