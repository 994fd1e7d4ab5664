#!/usr/bin/env bats
# What a container may do to its host: device nodes (the devices cgroup on
# v1, a BPF program on v2; --device, --device-cgroup-rule, --privileged)
# and the system calls the default seccomp profile refuses.

load helpers

setup() {
  load_busybox
}

srun() {
  skiff run --rm --network none "$@"
}

# --- devices -----------------------------------------------------------------

@test "a container can make device nodes but not open the host's devices" {
  if rootless; then
    # The user namespace refuses the node itself.
    run srun busybox mknod /tmp/loop b 7 0
    [ "$status" -ne 0 ]
    [[ "$output" == *"Operation not permitted"* ]]
    return
  fi
  # The loop device, /dev/kvm, /dev/fuse, /dev/loop-control, /dev/mem:
  # made with the host's numbers, none of them opens.
  run srun busybox sh -c '
    mknod /tmp/loop b 7 0 && mknod /tmp/kvm c 10 232 && mknod /tmp/fuse c 10 229 &&
      mknod /tmp/loopctl c 10 237 && mknod /tmp/mem c 1 1 && echo made
    head -c1 /tmp/loop >/dev/null 2>&1 || echo loop-refused
    for n in kvm fuse loopctl mem; do (echo x > /tmp/$n) 2>/dev/null || echo $n-refused; done
    head -c1 /tmp/mem >/dev/null 2>&1 || echo mem-read-refused'
  [ "$status" -eq 0 ]
  [ "$output" = "made
loop-refused
kvm-refused
fuse-refused
loopctl-refused
mem-refused
mem-read-refused" ]
}

@test "the default devices work: null, zero, full, random, urandom, tty, and a pty with -t" {
  run srun busybox sh -c '
    echo x > /dev/null && head -c1 /dev/zero | od -An -tx1 && head -c4 /dev/random | wc -c &&
      head -c4 /dev/urandom | wc -c && (echo x > /dev/full) 2>&1 | grep -c "No space left"
    (mknod /tmp/null c 1 3 && echo y > /tmp/null) 2>/dev/null && echo own-null-ok || echo no-mknod'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = " 00" ]
  [ "${lines[1]}" = "4" ]
  [ "${lines[2]}" = "4" ]
  [ "${lines[3]}" = "1" ]
  if rootless; then [ "${lines[4]}" = "no-mknod" ]; else [ "${lines[4]}" = "own-null-ok" ]; fi
  run srun -t busybox sh -c 'tty; echo hi > /dev/tty && echo tty-ok'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == /dev/pts/* ]]
  [[ "$output" == *tty-ok* ]]
}

@test "exec'd processes are held to the container's device rules" {
  skiff run -d --name c --network none busybox sleep 60 >/dev/null
  run skiff exec c sh -c 'mknod /tmp/loop b 7 0 && head -c1 /tmp/loop'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  run skiff exec c sh -c 'echo x > /dev/null && echo null-ok'
  [ "$output" = "null-ok" ]
}

@test "run --device adds a node with the host's numbers and the permissions asked for" {
  run srun --device /dev/null:/dev/mynull busybox sh -c 'ls -l /dev/mynull; echo x > /dev/mynull && echo write-ok'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "crw-rw-rw-"*"1,   3 "*"/dev/mynull" ]]
  [ "${lines[1]}" = "write-ok" ]
  if rootless; then
    # Bound from the host (mknod is refused in a user namespace).
    run srun --device /dev/zero:/dev/z busybox sh -c 'grep -c " /dev/z " /proc/self/mountinfo; head -c1 /dev/z | od -An -tx1'
    [ "$output" = "1
 00" ]
    return
  fi
  local loop
  loop=$(ls /dev/loop[0-9]* | head -1)
  run srun --device "$loop:/dev/xloop:r" busybox sh -c '
    head -c1 /dev/xloop >/dev/null && echo read-ok; (echo x > /dev/xloop) 2>/dev/null || echo write-refused'
  [ "$status" -eq 0 ]
  [ "$output" = "read-ok
write-refused" ]
  # The same device without --device stays closed.
  run srun busybox sh -c "mknod /tmp/l b $(stat -c '%Hr %Lr' "$loop") && head -c1 /tmp/l"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "run --device-cgroup-rule allows a class of devices" {
  rootless && skip "rootless containers cannot make device nodes"
  run srun --device-cgroup-rule 'b 7:* r' busybox sh -c '
    mknod /tmp/l b 7 0 && head -c1 /tmp/l >/dev/null && echo read-ok; (echo x > /tmp/l) 2>/dev/null || echo write-refused'
  [ "$status" -eq 0 ]
  [ "$output" = "read-ok
write-refused" ]
}

@test "run --privileged gets the host's devices (as root) and may open them" {
  rootless && skip "as Docker, only root's privileged containers get the host's devices"
  local loop
  loop=$(ls /dev/loop[0-9]* | head -1)
  run srun --privileged busybox sh -c "ls -l $loop /dev/kvm /dev/fuse 2>&1 | wc -l; head -c1 $loop >/dev/null && echo read-ok; readlink /dev/ptmx"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(ls -l "$loop" /dev/kvm /dev/fuse 2>&1 | wc -l)" ]
  [ "${lines[1]}" = "read-ok" ]
  [ "${lines[2]}" = "pts/ptmx" ]
}

@test "bad --device and --device-cgroup-rule values are refused and create nothing" {
  run skiff run --rm --device /dev/skiff-nope busybox true
  assert_error 125 'error gathering device information while adding custom device "/dev/skiff-nope": No such file or directory'
  run skiff run --rm --device /dev/null:/x:rwx busybox true
  assert_error 125 'invalid argument "/dev/null:/x:rwx" for "--device" flag: bad mode specified: rwx'
  run skiff create --device /dev/null:relative busybox true
  assert_error 125 'relative is not an absolute path'
  run skiff create --device-cgroup-rule 'c 1:3' busybox true
  assert_error 125 "invalid device cgroup format 'c 1:3'"
  run skiff ps -aq
  [ -z "$output" ]
}

@test "a device gone since create fails the start: recorded, and an --rm container removed" {
  ln -s /dev/null "$BATS_TEST_TMPDIR/dev"
  skiff create --name kept --device "$BATS_TEST_TMPDIR/dev:/dev/x" busybox true >/dev/null
  skiff create --name gone --rm --device "$BATS_TEST_TMPDIR/dev:/dev/x" busybox true >/dev/null
  rm "$BATS_TEST_TMPDIR/dev"
  run skiff start kept
  assert_error 1 "error gathering device information while adding custom device \"$BATS_TEST_TMPDIR/dev\": No such file or directory"
  # A container that never ran stays "created" (moby's containerStart).
  run skiff inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' kept
  [ "$output" = "created 128 error gathering device information while adding custom device \"$BATS_TEST_TMPDIR/dev\": No such file or directory" ]
  run skiff start gone
  [ "$status" -eq 1 ]
  run skiff ps -a --format '{{.Names}}'
  [ "$output" = kept ]
}

@test "inspect shows HostConfig.Devices and DeviceCgroupRules" {
  skiff create --name c --device /dev/null:/dev/n:rw --device-cgroup-rule 'c 1:3 r' busybox true >/dev/null
  run skiff inspect --format '{{json .HostConfig.Devices}} {{json .HostConfig.DeviceCgroupRules}}' c
  [ "$output" = '[{"PathOnHost":"/dev/null","PathInContainer":"/dev/n","CgroupPermissions":"rw"}] ["c 1:3 r"]' ]
  skiff create --name d busybox true >/dev/null
  run skiff inspect --format '{{json .HostConfig.Devices}} {{json .HostConfig.DeviceCgroupRules}}' d
  [ "$output" = '[] null' ]
}

# --- seccomp -------------------------------------------------------------------

@test "the default seccomp profile refuses io_uring, as Docker 25 and later" {
  local sc
  sc=$(syscall_tool)
  run srun -v "$sc:/syscall:ro" busybox sh -c '
    /syscall io_uring_setup 1 0; /syscall io_uring_enter -1 0 0 0 0 0; /syscall io_uring_register -1 0 0 0'
  [ "$status" -eq 0 ]
  [ "$output" = "EPERM
EPERM
EPERM" ]
  # Without the filter the kernel sees the call (and the bad pointer).
  run srun --security-opt seccomp=unconfined -v "$sc:/syscall:ro" busybox /syscall io_uring_setup 1 0
  [ "$output" = "EFAULT" ]
}
