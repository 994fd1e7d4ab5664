#!/usr/bin/env bats
# Terminals: the detach keys (Ctrl-P Ctrl-Q, --detach-keys, Docker's
# config.json) on run, start, attach and exec; which signals reach a
# container with a terminal; and Docker's refusal to connect a container's
# terminal to an input that is not one. Real terminals come from tmux.

load helpers
bats_require_minimum_version 1.5.0

# helpers.bash's teardown, kept under another name so this file can add to it.
eval "$(declare -f teardown | sed '1s/^teardown/helpers_teardown/')"

setup() {
  command -v tmux >/dev/null || skip "tmux is not installed"
  load_busybox
  SK="$SKIFF_BIN --root $BATS_TEST_TMPDIR/root --runroot $BATS_TEST_TMPDIR/run"
  TERMS=0
}

teardown() {
  local s
  for s in "$BATS_TEST_TMPDIR"/tmux.*.sock; do
    [ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null
  done
  helpers_teardown
}

# Runs a shell command line in a new 100x30 terminal, the current one from
# then on (each its own tmux server: a server being killed cannot race
# the next); its exit status goes to $BATS_TEST_TMPDIR/rc.
term_run() {
  rm -f "$BATS_TEST_TMPDIR/rc"
  TERMS=$((TERMS + 1))
  TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.$TERMS.sock
  tmux -S "$TMUX_SOCK" new-session -d -x 100 -y 30 "$1; echo \$? > $BATS_TEST_TMPDIR/rc; sleep 600"
}

term_keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
screen() { tmux -S "$TMUX_SOCK" capture-pane -p; }
screen_has() { screen | grep -qF -- "$1"; }

# Waits up to ~15 s for CMD to succeed.
wait_long() {
  local i
  for i in $(seq 1 150); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "timed out waiting for: $*"
  screen
  return 1
}

# The exit status the terminal's command line left, once it is there.
term_rc() {
  wait_long test -s "$BATS_TEST_TMPDIR/rc"
  cat "$BATS_TEST_TMPDIR/rc"
}

status_of() { skiff inspect --format '{{.State.Status}}' "$1"; }

# The skiff processes whose command line ends in WORDS (not the shell
# that started them).
skiff_pids() { pgrep -f -- "^$SKIFF_BIN --root $BATS_TEST_TMPDIR/root --runroot $BATS_TEST_TMPDIR/run $1\$"; }

# The one of them on a terminal: the client, not the supervisor that
# start forks (it keeps the command line).
client_pid() {
  local p
  for p in $(skiff_pids "$1"); do
    [ "$(ps -o tty= -p "$p")" = "?" ] || echo "$p"
  done
}

# Succeeds while process PID runs (a zombie has ended).
alive() {
  local st
  st=$(ps -o stat= -p "$1") && [[ $st != Z* ]]
}

@test "run -it from a pipe fails with Docker's message and creates nothing" {
  run bash -c "echo x | $SK run -it --network none busybox echo ran"
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: the input device is not a TTY" ]
  [ -z "$(skiff ps -aq)" ]
  # -t alone does not read stdin, -d does not attach it: both are allowed.
  run bash -c "echo x | $SK run -t --rm --network none busybox echo ran"
  [ "$status" -eq 0 ]
  [ "$output" = $'ran\r' ]
  run bash -c "echo x | $SK run -dit --name bg --network none busybox sh"
  [ "$status" -eq 0 ]
  [ "$(status_of bg)" = running ]
}

@test "exec -it and attach from a pipe fail with Docker's message; exec -t, attach --no-stdin and start -ai do not" {
  skiff run -dit --name c --network none busybox sh >/dev/null
  run bash -c "echo x | $SK exec -it c echo ran"
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: the input device is not a TTY" ]
  run bash -c "echo x | $SK exec -t c echo ran"
  [ "$status" -eq 0 ]
  [ "$output" = $'ran\r' ]
  # attach checks whether stdin is to be attached, not whether the
  # container reads it (Docker's CheckTty(!--no-stdin, Tty)).
  skiff run -dt --name t --network none busybox sleep 600 >/dev/null
  run bash -c "echo x | $SK attach t"
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: the input device is not a TTY" ]
  [ "$(status_of t)" = running ]
  run bash -c "timeout -s INT 1 $SK attach --no-stdin t </dev/null"
  [[ "$output" != *"not a TTY"* ]]
  [ "$(status_of t)" = running ]
  # Docker's start does not check: piped input goes to the terminal.
  skiff create -it --name s --network none busybox sh -c 'read l; echo "got $l"' >/dev/null
  run bash -c "echo hello | $SK start -ai s"
  [ "$status" -eq 0 ]
  [[ "$output" == *"got hello"* ]]
}

@test "start -a connects stdin only with -i, as Docker's" {
  skiff create -i --name r --network none busybox cat >/dev/null
  run bash -c "echo hi | timeout -s KILL 3 $SK start -a r > $BATS_TEST_TMPDIR/out"
  [ ! -s "$BATS_TEST_TMPDIR/out" ]
  [ "$(status_of r)" = running ]
  skiff stop -t 1 r >/dev/null
  run bash -c "echo hi | timeout -s KILL 10 $SK start -ai r"
  [ "$status" -eq 0 ]
  [ "$output" = hi ]
}

@test "--detach-keys: a bad value is Docker's error on run, start, attach and exec, and nothing is done" {
  skiff run -dit --name c --network none busybox sh >/dev/null
  skiff create --name s --network none busybox true >/dev/null
  for cmd in "run --rm --network none @ busybox true" "start -a @ s" "attach @ c" "exec @ c true"; do
    run skiff ${cmd/@/--detach-keys ctrl-p,shift-q}
    [ "$status" -eq 1 ] || { echo "$cmd: exit $status"; false; }
    [ "$output" = "skiff: invalid detach keys (ctrl-p,shift-q): unknown character: 'shift-q'" ] ||
      { echo "$cmd: $output"; false; }
  done
  [ "$(skiff ps -aq | wc -l)" -eq 2 ]
  [ "$(status_of s)" = created ]
  run skiff run -d --detach-keys ctrl-pq --network none busybox true
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown character: 'ctrl-pq'"* ]]
  # Docker's config.json setting is checked as the flag is.
  mkdir -p "$BATS_TEST_TMPDIR/dc"
  echo '{"detachKeys": "ctrl-zz"}' > "$BATS_TEST_TMPDIR/dc/config.json"
  DOCKER_CONFIG=$BATS_TEST_TMPDIR/dc run skiff attach c
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: invalid detach keys (ctrl-zz): unknown character: 'ctrl-zz'" ]
}

@test "without a terminal Ctrl-P Ctrl-Q are ordinary input" {
  run bash -c "printf 'a\\020\\021b' | $SK run -i --rm --network none busybox od -An -tx1"
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "61 10 11 62" ]
}

@test "run -it: Ctrl-P Ctrl-Q detaches with status 0; the container runs on and is still logged" {
  term_run "$SK run -it --name c --network none busybox sh"
  wait_long screen_has "/ #"
  term_keys "echo before-\$((6*7))" Enter
  wait_long screen_has "before-42"
  term_keys C-p C-q
  [ "$(term_rc)" = 0 ]
  [ "$(status_of c)" = running ]
  # The supervisor still reads the terminal: what the container writes to
  # it now lands in the log.
  skiff exec c sh -c 'echo after-detach > /proc/1/fd/1'
  wait_long bash -c "$SK logs c | grep -q after-detach"
  run skiff logs c
  [[ "$output" == *before-42* ]]
  # attach connects again and the shell still reads its terminal.
  term_run "$SK attach c"
  wait_long screen_has "/ #"
  term_keys "echo again-\$((6*7))" Enter
  wait_long screen_has "again-42"
  term_keys "exit 7" Enter
  [ "$(term_rc)" = 7 ]
  [ "$(status_of c)" = exited ]
}

@test "run -it: a partial sequence followed by another key passes both on" {
  term_run "$SK run -it --name c --network none busybox sh -c 'IFS= read -r l; printf %s \"\$l\" | od -An -tx1; sleep 600'"
  wait_long bash -c "[ \$($SK inspect --format '{{.State.Status}}' c) = running ]"
  sleep 0.5
  term_keys C-p x Enter
  wait_long screen_has "10 78"
  term_keys C-p C-q
  [ "$(term_rc)" = 0 ]
  [ "$(status_of c)" = running ]
}

@test "run --rm -it: detaching leaves the container; it is removed when it exits" {
  term_run "$SK run --rm -it --name c --network none busybox sh"
  wait_long screen_has "/ #"
  term_keys C-p C-q
  [ "$(term_rc)" = 0 ]
  [ "$(status_of c)" = running ]
  skiff stop -t 1 c >/dev/null
  wait_long bash -c "[ -z \"\$($SK ps -aq)\" ]"
}

@test "--detach-keys and Docker's config.json change the sequence" {
  term_run "$SK run -it --detach-keys ctrl-a,d --name c --network none busybox sh"
  wait_long screen_has "/ #"
  term_keys C-p C-q
  sleep 0.5
  [ ! -e "$BATS_TEST_TMPDIR/rc" ]
  term_keys C-a d
  [ "$(term_rc)" = 0 ]
  [ "$(status_of c)" = running ]
  tmux -S "$TMUX_SOCK" kill-server
  mkdir -p "$BATS_TEST_TMPDIR/dc"
  echo '{"detachKeys": "ctrl-x,x"}' > "$BATS_TEST_TMPDIR/dc/config.json"
  term_run "DOCKER_CONFIG=$BATS_TEST_TMPDIR/dc $SK attach c"
  wait_long screen_has "/ #"
  term_keys C-x x
  [ "$(term_rc)" = 1 ]
  [ "$(status_of c)" = running ]
  tmux -S "$TMUX_SOCK" kill-server
  # The flag wins over the file.
  term_run "DOCKER_CONFIG=$BATS_TEST_TMPDIR/dc $SK attach --detach-keys ctrl-\\\\ c"
  wait_long screen_has "/ #"
  term_keys C-x x
  sleep 0.5
  [ ! -e "$BATS_TEST_TMPDIR/rc" ]
  term_keys 'C-\'
  [ "$(term_rc)" = 1 ]
  [ "$(status_of c)" = running ]
}

@test "attach: Ctrl-P Ctrl-Q prints Docker's 'read escape sequence' and exits 1; the container runs on" {
  skiff run -dit --name c --network none busybox sh >/dev/null
  term_run "$SK attach c"
  # The window size is nudged, so the shell redraws its prompt.
  wait_long screen_has "/ #"
  term_keys "echo in-attach" Enter
  wait_long screen_has "in-attach"
  term_keys C-p C-q
  [ "$(term_rc)" = 1 ]
  wait_long screen_has "skiff: read escape sequence"
  [ "$(status_of c)" = running ]
  wait_long bash -c "$SK logs c | grep -q in-attach"
}

@test "closing the terminal of an attached -t container ends the client, not the container" {
  # A main process that a forwarded signal would end.
  skiff run -dit --name c --network none busybox sh -c \
    'trap "exit 9" HUP TERM INT; while :; do IFS= read -r l && echo "got:$l"; done' >/dev/null
  term_run "$SK attach c"
  term_keys "ping" Enter
  wait_long screen_has "got:ping"
  pid=$(client_pid "attach c")
  [ -n "$pid" ]
  [ "$(echo "$pid" | wc -l)" -eq 1 ]
  # The terminal goes away: SIGHUP to its processes.
  tmux -S "$TMUX_SOCK" kill-server
  wait_long eval "! alive $pid"
  sleep 0.5
  [ "$(status_of c)" = running ]
  # SIGTERM and SIGINT too end the client alone.
  for sig in TERM INT; do
    term_run "$SK attach c"
    term_keys "ping-$sig" Enter
    wait_long screen_has "got:ping-$sig"
    pid=$(client_pid "attach c")
    kill -$sig "$pid"
    wait_long eval "! alive $pid"
    sleep 0.5
    [ "$(status_of c)" = running ] || { echo "SIG$sig reached the container"; false; }
    tmux -S "$TMUX_SOCK" kill-server
  done
}

@test "attach to a container without a terminal forwards signals to it" {
  skiff run -d --name p --network none busybox sh -c 'trap "echo got-term; exit 3" TERM; while :; do sleep 0.1; done' >/dev/null
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" attach --no-stdin p \
    >"$BATS_TEST_TMPDIR/out" 2>&1 &
  pid=$!
  sleep 1
  kill -TERM "$pid"
  wait "$pid" || rc=$?
  [ "${rc:-0}" -eq 3 ]
  [ "$(status_of p)" = exited ]
  grep -q got-term "$BATS_TEST_TMPDIR/out"
}

@test "run forwards signals with a terminal too (Docker's run); --sig-proxy=false lets them end the client alone" {
  term_run "$SK run -it --name c --network none busybox sh -c 'trap \"exit 9\" HUP; while :; do IFS= read -r l && echo got:\$l; done'"
  term_keys "ping" Enter
  wait_long screen_has "got:ping"
  kill -HUP "$(client_pid "run -it --name c .*")"
  [ "$(term_rc)" = 9 ]
  [ "$(status_of c)" = exited ]
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" run --sig-proxy=false --name q \
    --network none busybox sh -c 'trap "exit 9" INT TERM; echo up; while :; do sleep 0.1; done' >"$BATS_TEST_TMPDIR/out" &
  pid=$!
  wait_long grep -q up "$BATS_TEST_TMPDIR/out"
  kill -INT "$pid"
  wait_long eval "! alive $pid"
  rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 130 ]
  sleep 0.5
  [ "$(status_of q)" = running ]
}

@test "start -ai: Ctrl-P Ctrl-Q detaches with status 0; SIGHUP does not reach a -t container" {
  skiff create -it --name s --network none busybox sh >/dev/null
  term_run "$SK start -ai s"
  wait_long screen_has "/ #"
  term_keys C-p C-q
  [ "$(term_rc)" = 0 ]
  [ "$(status_of s)" = running ]
  skiff create -it --name h --network none busybox sh -c \
    'trap "exit 9" HUP; while :; do IFS= read -r l && echo "got:$l"; done' >/dev/null
  term_run "$SK start -ai h"
  term_keys "ping" Enter
  wait_long screen_has "got:ping"
  pid=$(client_pid "start -ai h")
  kill -HUP "$pid"
  wait_long eval "! alive $pid"
  sleep 0.5
  [ "$(status_of h)" = running ]
}

@test "exec -it: Ctrl-P Ctrl-Q prints 'read escape sequence', exits 1, and the command runs on" {
  skiff run -d --name c --network none busybox sleep 600 >/dev/null
  term_run "$SK exec -it c sh"
  wait_long screen_has "/ #"
  term_keys 'echo $$ > /tmp/shell.pid; echo pid-saved' Enter
  wait_long screen_has "pid-saved"
  term_keys C-p C-q
  [ "$(term_rc)" = 1 ]
  wait_long screen_has "skiff: read escape sequence"
  shell=$(skiff exec c cat /tmp/shell.pid)
  # Closing the terminal does not end it either.
  tmux -S "$TMUX_SOCK" kill-server
  sleep 0.5
  skiff exec c kill -0 "$shell"
  # What it writes is read and dropped: it never blocks on a full terminal.
  run timeout 20 "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
    exec c sh -c "seq 1 20000 > /proc/$shell/fd/1; echo written"
  [ "$output" = written ]
  # Once it is gone nothing is left behind.
  [ -n "$(skiff_pids "exec -it c sh")" ]
  skiff exec c kill -9 "$shell"
  wait_long eval "[ -z \"\$(skiff_pids 'exec -it c sh')\" ]"
}

@test "build on a terminal: BuildKit's live view, redrawn in place, and Ctrl-C cancels" {
  mkdir -p "$BATS_TEST_TMPDIR/ctx"
  printf 'FROM busybox\nRUN echo tty-""marker; sleep 2\nRUN echo second\n' > "$BATS_TEST_TMPDIR/ctx/Dockerfile"
  term_run "$SK build -t ttyb $BATS_TEST_TMPDIR/ctx"
  # A running step shows the last lines of its output under it.
  wait_long screen_has " => => # tty-marker"
  screen_has "[+] Building"
  wait_long test -f "$BATS_TEST_TMPDIR/rc"
  [ "$(cat "$BATS_TEST_TMPDIR/rc")" = 0 ]
  screen_has "FINISHED"
  screen_has " => [3/3] RUN echo second"
  # Drawn over itself: one header, no output of finished steps, no plain lines.
  [ "$(screen | grep -c '^\[+\] Building')" -eq 1 ]
  ! screen_has "# tty-marker"
  ! screen | grep -q '^#[0-9]'
  printf 'FROM busybox\nRUN echo long-""running; sleep 60\n' > "$BATS_TEST_TMPDIR/ctx/Dockerfile"
  # bash, which waits out a Ctrl-C its child handles (dash would die of it).
  printf '%s build %s\necho $? > %s/rc\nsleep 600\n' "$SK" "$BATS_TEST_TMPDIR/ctx" "$BATS_TEST_TMPDIR" \
    > "$BATS_TEST_TMPDIR/cancel.sh"
  term_run "exec bash $BATS_TEST_TMPDIR/cancel.sh"
  wait_long screen_has " => => # long-running"
  term_keys C-c
  wait_long test -f "$BATS_TEST_TMPDIR/rc"
  [ "$(cat "$BATS_TEST_TMPDIR/rc")" = 1 ]
  screen_has "Canceled: context canceled"
  [ -z "$($SK ps -aq)" ]
}
