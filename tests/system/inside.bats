#!/usr/bin/env bats
# What a process sees inside a container, as Docker 24+ sets it up: its
# supplementary groups, /.dockerenv and /run/.containerenv, /etc/mtab, the
# --init process at PID 1; and how `ps` shows the command.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  load_busybox
}

# An image with Alpine's /etc/group, where Docker's `id` lists root in
# eleven groups: its primary one and every group naming it. Rootless too,
# as rootless Docker and Podman: the groups are in the subgid range.
@test "run: the supplementary groups are Docker's, from the image's /etc/group" {
  local dir="$BATS_TEST_TMPDIR/alpinegroups"
  mkdir -p "$dir/etc"
  cat >"$dir/etc/group" <<'GR'
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin,adm
adm:x:4:root,adm,daemon
tty:x:5:
disk:x:6:root,adm
wheel:x:10:root
floppy:x:11:root
dialout:x:20:root
tape:x:26:root
video:x:27:root
staff:x:50:user
user:x:1000:
GR
  cp "$(busybox_tar)" "$dir/image.tar"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -rf "$dir/image.tar" ./etc/group
  skiff import --change 'CMD ["sh"]' "$dir/image.tar" alpinegroups:1 >/dev/null
  run skiff run --network none --rm alpinegroups:1 id
  [ "$status" -eq 0 ]
  [ "$output" = "uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)" ]
  run skiff run --network none --rm -u user alpinegroups:1 id
  [ "$output" = "uid=1000(user) gid=1000(user) groups=50(staff),1000(user)" ]
  run skiff run --network none --rm -u 4242 alpinegroups:1 id
  [ "$output" = "uid=4242 gid=0(root) groups=0(root)" ]
  local id
  id=$(skiff run -d --network none alpinegroups:1 sleep 60)
  run skiff exec "$id" id
  [ "$output" = "uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)" ]
  run skiff exec -u user "$id" id
  [ "$output" = "uid=1000(user) gid=1000(user) groups=50(staff),1000(user)" ]
  skiff rm -f "$id" >/dev/null
}

@test "run --group-add: groups by name or ID for the command and exec, recorded in HostConfig.GroupAdd" {
  run skiff run --rm --network none --group-add tty --group-add 4242 --group-add 0 busybox id
  [ "$output" = "uid=0(root) gid=0(root) groups=0(root),5(tty),4242" ]
  run skiff run --rm --network none --group-add tty -u user:daemon busybox id
  [ "$output" = "uid=1000(user) gid=1(daemon) groups=1(daemon),5(tty)" ]
  skiff run -d --network none --name ga --group-add tty busybox sleep 60 >/dev/null
  run skiff exec -u 1000 ga id
  [ "$output" = "uid=1000(user) gid=1000(user) groups=5(tty),50(staff),1000(user)" ]
  run skiff inspect --format '{{json .HostConfig.GroupAdd}}' ga
  [ "$output" = '["tty"]' ]
  skiff rm -f ga >/dev/null
  skiff create --name noga busybox >/dev/null
  run skiff inspect --format '{{json .HostConfig.GroupAdd}}' noga
  [ "$output" = "null" ]
  # Resolved at start, as Docker: create succeeds, run fails with runc's words.
  run skiff run --rm --network none --group-add nosuch busybox id
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: Unable to find group nosuch: no matching entries in group file" ]
  run skiff run --rm --network none --group-add 2147483648 busybox id
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: uids and gids must be in range 0-2147483647" ]
}

@test "run: /.dockerenv and /run/.containerenv are empty files, /etc/mtab links to /proc/mounts" {
  run skiff run --rm --network none busybox sh -c \
    'stat -c "%n %s %a %U" /.dockerenv /run/.containerenv; ls -l /etc/mtab | sed "s/.* \/etc/\/etc/"; head -1 /etc/mtab | cut -d" " -f2'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/.dockerenv 0 755 root" ]
  [ "${lines[1]}" = "/run/.containerenv 0 644 root" ]
  [ "${lines[2]}" = "/etc/mtab -> /proc/mounts" ]
  [ "${lines[3]}" = "/" ]
  # With a read-only root too: they are there before it turns read-only.
  run skiff run --rm --network none --read-only busybox sh -c 'test -f /.dockerenv && readlink /etc/mtab'
  [ "$output" = "/proc/mounts" ]
}

@test "run: an image's own /etc/mtab gives way to the link, as Docker's init layer does" {
  local dir="$BATS_TEST_TMPDIR/mtab"
  mkdir -p "$dir/etc"
  echo "stale" >"$dir/etc/mtab"
  cp "$(busybox_tar)" "$dir/image.tar"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -rf "$dir/image.tar" ./etc/mtab
  skiff import "$dir/image.tar" mtab:1 >/dev/null
  run skiff run --rm --network none mtab:1 readlink /etc/mtab
  [ "$status" -eq 0 ]
  [ "$output" = "/proc/mounts" ]
  # A symlink the image made (escaping or not) is replaced, never followed.
  rm "$dir/etc/mtab"
  ln -s ../../../../../../tmp/skiff-mtab-escape "$dir/etc/mtab"
  cp "$(busybox_tar)" "$dir/image2.tar"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -rf "$dir/image2.tar" ./etc/mtab
  skiff import "$dir/image2.tar" mtab:2 >/dev/null
  run skiff run --rm --network none mtab:2 readlink /etc/mtab
  [ "$output" = "/proc/mounts" ]
  [ ! -e /tmp/skiff-mtab-escape ]
}

@test "run: a volume at /run gets no .containerenv written into it" {
  local dir="$BATS_TEST_TMPDIR/runvol"
  mkdir -p "$dir"
  run skiff run --rm --network none -v "$dir:/run" busybox sh -c 'ls -A /run; test -f /.dockerenv && echo dockerenv'
  [ "$status" -eq 0 ]
  [ "$output" = "dockerenv" ]
  [ -z "$(ls -A "$dir")" ]
}

@test "exec sees the same /.dockerenv and /etc/mtab" {
  local id
  id=$(skiff run -d --network none busybox sleep 60)
  run skiff exec "$id" sh -c 'test -f /.dockerenv && test -f /run/.containerenv && readlink /etc/mtab'
  [ "$output" = "/proc/mounts" ]
  skiff rm -f "$id" >/dev/null
}

@test "run --init: PID 1 is docker-init, run as Docker runs tini" {
  local script='cat /proc/1/comm; echo "$(tr "\0" " " </proc/1/cmdline | sed "s/ *$//")"; ps -o pid,comm,args | sed -n 2p'
  run skiff run --rm --network none --init busybox sh -c "$script"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "docker-init" ]
  # (The kernel pads cmdline with the zeros left of the CLI's arguments;
  # ps trims them as it does for any process.)
  [ "${lines[1]}" = "/sbin/docker-init -- sh -c $script" ]
  [ "$(echo "${lines[2]}" | tr -s ' ' | sed 's/^ //')" = "1 docker-init /sbin/docker-init -- sh -c $script" ]
}

@test "exec and export reach a running --init container, root and rootless" {
  # docker-init is not dumpable: the way in is through its command.
  skiff run -d --network none --init --name initx busybox sh -c 'echo here >/marker; sleep 60' >/dev/null
  run skiff exec initx sh -c 'cat /proc/1/comm; cat /marker'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "docker-init" ]
  [ "${lines[1]}" = "here" ]
  skiff export -o "$BATS_TEST_TMPDIR/initx.tar" initx
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/initx.tar" marker)" = "here" ]
  skiff rm -f initx >/dev/null
}

@test "ps: the COMMAND column quotes arguments with spaces and cuts as Docker" {
  skiff create --name q busybox sh -c 'echo "a b"; sleep 9' >/dev/null
  run skiff ps -a --format '{{.Command}}'
  [ "$output" = "\"sh -c 'echo \\\"a b\\\"; …\"" ]
  run skiff ps -a --no-trunc --format '{{.Command}}'
  [ "$output" = "\"sh -c 'echo \\\"a b\\\"; sleep 9'\"" ]
  run skiff ps -a
  [[ "${lines[1]}" == *"   \"sh -c 'echo \\\"a b\\\"; …\"   "* ]]
}

@test "run --add-host: lines in /etc/hosts before the container's own, ExtraHosts in inspect" {
  run skiff run --rm --add-host db:10.1.2.3 --add-host cache=10.1.2.4 --add-host "v6:[::1]" busybox cat /etc/hosts
  [ "$status" -eq 0 ]
  [ "$(tail -4 <<<"$output" | head -3)" = "$(printf '10.1.2.3\tdb\n10.1.2.4\tcache\n::1\tv6')" ]
  skiff create --name ah --add-host db:10.1.2.3 busybox >/dev/null
  [ "$(skiff inspect -f '{{json .HostConfig.ExtraHosts}}' ah)" = '["db:10.1.2.3"]' ]
  [ "$(skiff inspect -f '{{json .HostConfig.ExtraHosts}}' "$(skiff create busybox)")" = null ]
  run skiff run --rm --add-host bad busybox true
  [ "$status" -eq 125 ]
  [ "$output" = 'skiff: invalid argument "bad" for "--add-host" flag: bad format for add-host: "bad"' ]
  [ "$(skiff ps -aq | wc -l)" -eq 2 ]
}

@test "run --dns, --dns-search, --dns-option: resolv.conf's lines replaced, shown in inspect" {
  run skiff run --rm --dns 10.9.9.9 --dns 2001:db8::1 --dns-search example.org --dns-search corp.example \
    --dns-option ndots:2 busybox cat /etc/resolv.conf
  [ "$status" -eq 0 ]
  [ "$output" = "nameserver 10.9.9.9
nameserver 2001:db8::1
search example.org corp.example
options ndots:2" ]
  run skiff run --rm --dns-search . busybox cat /etc/resolv.conf
  [[ "$output" != *search* ]]
  skiff create --name d --dns 10.9.9.9 --dns-search example.org --dns-option ndots:2 busybox >/dev/null
  [ "$(skiff inspect -f '{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}}' d)" = \
    '["10.9.9.9"] ["example.org"] ["ndots:2"]' ]
  [ "$(skiff inspect -f '{{json .HostConfig.Dns}}' "$(skiff create busybox)")" = '[]' ]
  run skiff run --rm --dns nope busybox true
  [ "$status" -eq 125 ]
  [ "$output" = 'skiff: invalid argument "nope" for "--dns" flag: IP address is not correctly formatted: nope' ]
  run skiff run --rm --dns-search -bad busybox true
  [ "$status" -eq 125 ]
  [ "$output" = 'skiff: invalid argument "-bad" for "--dns-search" flag: -bad is not a valid domain' ]
}
