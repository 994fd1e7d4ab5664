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
