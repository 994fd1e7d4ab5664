#!/usr/bin/env bats
# Binds and volumes as Docker makes them: relative host paths, volumes
# filled from the image only, nocopy, bind propagation, mount points that
# are symlinks in the image, and the container's own cgroup tree.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  load_busybox
}

srun() {
  skiff run --rm --network none "$@"
}

# Mounts a test made on the host go, also when it failed half way.
teardown() {
  teardown_store
  local m
  for m in $(awk -v d="$BATS_TEST_TMPDIR/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

@test "-v and --mount take host paths relative to the working directory" {
  mkdir -p "$BATS_TEST_TMPDIR/proj/conf"
  echo setting > "$BATS_TEST_TMPDIR/proj/conf/app.conf"
  cd "$BATS_TEST_TMPDIR/proj"
  run srun -v ./conf:/etc/app:ro busybox cat /etc/app/app.conf
  [ "$status" -eq 0 ]
  [ "$output" = "setting" ]
  cd conf
  run srun --mount type=bind,source=../conf,target=/c busybox cat /c/app.conf
  [ "$output" = "setting" ]
  skiff create --name c -v .:/here busybox true >/dev/null
  run skiff inspect --format '{{range .Mounts}}{{.Source}}{{end}}' c
  [ "$output" = "$BATS_TEST_TMPDIR/proj/conf" ]
}

@test "a new volume under a bind gets the image's content there, never the bind's" {
  # The compose pattern: source bound to /app, node_modules a volume.
  mkdir -p "$BATS_TEST_TMPDIR/proj/node_modules"
  echo host > "$BATS_TEST_TMPDIR/proj/node_modules/from-host"
  run srun -v "$BATS_TEST_TMPDIR/proj:/app" -v /app/node_modules busybox ls -A /app/node_modules
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  # The host's files stay where they are, and a named volume likewise.
  [ -f "$BATS_TEST_TMPDIR/proj/node_modules/from-host" ]
  run srun -v "$BATS_TEST_TMPDIR/proj:/app" -v mods:/app/node_modules busybox ls -A /app/node_modules
  [ "$output" = "" ]
}

@test "volume-nocopy and :nocopy leave a new volume empty" {
  run -127 srun --mount type=volume,source=nc1,target=/bin,volume-nocopy busybox /bin/busybox true
  run srun -v nc1:/data busybox ls -A /data
  [ "$output" = "" ]
  run srun -v nc2:/etc:nocopy busybox ls -A /etc
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'hostname\nhosts\nresolv.conf')" ]
  # Without it, the image's content is copied in.
  run srun -v nc3:/etc busybox ls /etc
  [[ "$output" == *passwd* ]]
  run skiff run --rm --mount type=bind,source=/tmp,target=/x,volume-nocopy busybox true
  assert_error 125 "cannot mix 'volume-*' options with mount type 'bind'"
  run skiff run --rm -v /tmp:/x:nocopy busybox true
  assert_error 125 "invalid mode: nocopy"
}

@test "bind propagation: rprivate by default, rslave sees the host's new mounts" {
  rootless && skip "needs root to make mounts on the host"
  local src=$BATS_TEST_TMPDIR/prop
  mkdir -p "$src"
  mount -t tmpfs prop "$src"
  mount --make-shared "$src"
  mkdir -p "$src/sub"
  local mode
  for mode in default rslave slave private; do
    if [ $mode = default ]; then
      skiff run -d --name p$mode --network none -v "$src:/p" busybox sleep 60 >/dev/null
    else
      skiff run -d --name p$mode --network none --mount "type=bind,source=$src,target=/p,bind-propagation=$mode" busybox sleep 60 >/dev/null
    fi
  done
  mount -t tmpfs later "$src/sub"
  local seen
  for mode in default rslave slave private; do
    seen=$(skiff exec p$mode grep -c ' /p/sub ' /proc/self/mountinfo || true)
    echo "$mode: $seen"
    case $mode in
      rslave|slave) [ "$seen" = 1 ] ;;
      *) [ "$seen" = 0 ] ;;
    esac
  done
  skiff inspect --format '{{range .Mounts}}{{.Propagation}}{{end}}' pdefault | grep -qx rprivate
  skiff inspect --format '{{range .Mounts}}{{.Propagation}}{{end}}' prslave | grep -qx rslave
  skiff rm -f pdefault prslave pslave pprivate >/dev/null
  umount -R "$src"
}

@test "bind propagation rshared: the container's mounts reach the host" {
  rootless && skip "needs root to make mounts on the host"
  local src=$BATS_TEST_TMPDIR/shared
  mkdir -p "$src"
  mount -t tmpfs shared "$src"
  mount --make-shared "$src"
  mkdir -p "$src/in"
  run srun --cap-add SYS_ADMIN -v "$src:/s:rshared" busybox sh -c 'mount -t tmpfs inner /s/in && echo mounted'
  [ "$output" = "mounted" ]
  grep -q " $src/in " /proc/self/mountinfo
  umount -R "$src"
  # A source on the root mount cannot stay shared: one clear error.
  run skiff run --rm -v "$BATS_TEST_TMPDIR:/x:rshared" busybox true
  assert_error 125 "give the source a mount of its own"
}

@test "a mount point that is an image symlink to a missing path is made inside the root" {
  local r=$BATS_TEST_TMPDIR/img
  mkdir -p "$r"
  tar -C "$r" -xf "$(busybox_tar)"
  ln -s /nonexistent/dir "$r/evil"
  ln -s ../../../../etc "$r/data2"
  tar -C "$r" -cf "$BATS_TEST_TMPDIR/img.tar" .
  # import keeps a relative link that climbs above the root, as Docker.
  skiff import "$BATS_TEST_TMPDIR/img.tar" links:1 >/dev/null
  mkdir -p "$BATS_TEST_TMPDIR/src"
  echo mark > "$BATS_TEST_TMPDIR/src/mark"
  run srun -v "$BATS_TEST_TMPDIR/src:/evil/x" -v "$BATS_TEST_TMPDIR/src:/data2/app" links:1 sh -c \
    'cat /nonexistent/dir/x/mark /etc/app/mark; readlink /data2'
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "$output" = "mark
mark
../../../../etc" ]
  [ ! -e /nonexistent/dir ]
}

@test "-v and --mount refuse / as the destination and change nothing" {
  run skiff run --rm -v /tmp:/ busybox true
  assert_error 125 "invalid volume specification: '/tmp:/': invalid mount config for type \"bind\": invalid specification: destination can't be '/'"
  # The daemon's errors: create exits 1 on them.
  run skiff create --mount type=bind,source=/tmp,target=/ busybox true
  assert_error 1 "destination can't be '/'"
  run skiff create -v vol:/ busybox true
  assert_error 1 "destination can't be '/'"
  run skiff ps -aq
  [ -z "$output" ]
  run skiff volume ls -q
  [ -z "$output" ]
}

@test "/sys/fs/cgroup shows the container's own cgroup, read-only" {
  if rootless && [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
    skip "cgroup v1 cannot be mounted in a user namespace"
  fi
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    run srun -m 64m busybox cat /sys/fs/cgroup/memory.max
    [ "$output" = "67108864" ]
  else
    run srun -m 64m busybox sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; ls /sys/fs/cgroup'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "67108864" ]
    [[ "$output" == *cpu* ]]
    [[ "$output" == *pids* ]]
  fi
  run srun busybox sh -c 'mkdir /sys/fs/cgroup/x 2>&1 || true; grep " /sys/fs/cgroup" /proc/self/mountinfo | grep -vc " ro,"'
  [ "${lines[-1]}" = "0" ]
}

@test "the soft open-file limit is raised to the hard one; --ulimit still rules, in exec too" {
  local hard
  hard=$(ulimit -Hn)
  run bash -c "ulimit -Sn 256; '$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' run --rm --network none busybox sh -c 'ulimit -Sn; ulimit -Hn'"
  [ "$output" = "$hard
$hard" ]
  skiff run -d --name u --network none --ulimit nofile=100:200 busybox sleep 60 >/dev/null
  run bash -c "ulimit -Sn 256; '$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' exec u sh -c 'ulimit -Sn; ulimit -Hn'"
  [ "$output" = "100
200" ]
}
