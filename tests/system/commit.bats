#!/usr/bin/env bats
# diff and commit: a container's changes listed as `docker diff` prints
# them (checked side by side with the reference Docker: same lines for the
# same commands) and committed as an image whose new layer carries them,
# whiteouts and owners included, with the container's config, -c, -m, -a.

load helpers

teardown() {
  teardown_driver_stores
  teardown_store
}

# What `docker diff` printed for these commands on the reference Docker
# (its order is a map's there; sorted here, as skiff prints it).
CHANGES='touch /tmp/a; rm /bin/ls; mkdir -p /new/d; rm -rf /home; mkdir /home; touch /home/x; chown 1000:1000 /tmp; echo hi > /etc/passwd'
DOCKER_DIFF='C /bin
D /bin/ls
C /etc
C /etc/passwd
C /home
D /home/user
A /home/x
A /new
A /new/d
C /tmp
A /tmp/a'

# The saved layer tars of image $1, in order, into directory $2; prints
# their paths.
saved_layers() {
  mkdir -p "$2"
  skiff save "$1" | tar -x -C "$2"
  jq -r '.[0].Layers[]' "$2/manifest.json" | sed "s|^|$2/|"
}

@test "diff: added, changed and deleted files as docker diff lists them" {
  load_busybox
  skiff run --name c busybox sh -c "$CHANGES"
  run skiff diff c
  [ "$status" -eq 0 ]
  [ "$output" = "$DOCKER_DIFF" ] || { echo "$output"; false; }
  run skiff container diff c
  [ "$output" = "$DOCKER_DIFF" ]
}

@test "diff: nothing for a container that changed nothing, or never started" {
  load_busybox
  skiff run --name t busybox true
  # /etc/hosts, /.dockerenv, /proc ... are the runtime's, in Docker's init layer.
  run skiff diff t
  [ "$status" -eq 0 ]
  [ -z "$output" ] || { echo "$output"; false; }
  skiff create --name n busybox >/dev/null
  run skiff diff n
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run skiff diff nosuch
  assert_error 1 "No such container: nosuch"
}

@test "diff: a file the container wrote over a runtime file shows" {
  load_busybox
  skiff run --name c busybox sh -c 'echo x > /.dockerenv; mkdir /run/mine'
  run skiff diff c
  [ "$output" = "A /.dockerenv
A /run
A /run/mine" ] || { echo "$output"; false; }
}

@test "diff: a running container's changes" {
  load_busybox
  skiff run -d --name r busybox sh -c 'echo a > /live; touch /ready; sleep 100' >/dev/null
  wait_for skiff exec r test -f /ready
  run skiff diff r
  [ "$output" = "A /live
A /ready" ] || { echo "$output"; false; }
}

@test "commit: the new image has the changes, deleted files stay deleted" {
  load_busybox
  skiff run --name c busybox sh -c "$CHANGES"
  run skiff commit c snap:1
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "$output"; false; }
  id=$output
  [ "$(skiff image inspect -f '{{.Id}}' snap:1)" = "$id" ]
  run skiff run --rm snap:1 sh -c 'ls /new; ls /home; test -e /bin/ls || echo no-ls; stat -c %u:%g /tmp; cat /etc/passwd; test -e /tmp/a && echo a'
  [ "$output" = "d
x
no-ls
1000:1000
hi
a" ] || { echo "$output"; false; }
  # The container's Cmd is the image's now, as Docker's commit makes it.
  [ "$(skiff image inspect -f '{{json .Config.Cmd}}' snap:1)" = "[\"sh\",\"-c\",\"$CHANGES\"]" ]
  [ "$(skiff image inspect -f '{{len .RootFS.Layers}}' snap:1)" = 2 ]
  run skiff history --no-trunc --format '{{.CreatedBy}}' snap:1
  [ "${lines[0]}" = "sh -c $CHANGES" ]
}

@test "commit: the layer as Docker writes it (whiteouts, opaque marker, owners)" {
  load_busybox
  skiff run --name c busybox sh -c "$CHANGES; mkdir /own; touch /own/f; chown -R 1000:1000 /own"
  skiff commit c snap >/dev/null
  layer=$(saved_layers snap "$BATS_TEST_TMPDIR/saved" | tail -1)
  run tar -tvf "$layer" --numeric-owner
  echo "$output"
  names=$(tar -tf "$layer")
  [ "$names" = "bin/
bin/.wh.ls
etc/
etc/passwd
home/
home/.wh..wh..opq
home/x
new/
new/d/
own/
own/f
tmp/
tmp/a" ] || { echo "$names"; false; }
  # The in-container owners, rootless too.
  grep -q '^drwxr-xr-x 1000/1000 .* own/$' <<<"$output"
  grep -q '^-rw-r--r-- 1000/1000 .* own/f$' <<<"$output"
  grep -q '^drwxrwxrwt 1000/1000 .* tmp/$' <<<"$output"
  grep -q '^-rw------- 0/0 .* bin/.wh.ls$' <<<"$output"
}

@test "commit -c -m -a: config changes, comment and author in inspect and history" {
  load_busybox
  skiff run --name c -e KEEP=1 busybox touch /f
  run skiff container commit -c 'ENV A=b' -c 'CMD ["echo","hi"]' -m "my msg" -a "Me <me@x>" c snap:2
  [ "$status" -eq 0 ]
  [ "$(skiff image inspect -f '{{json .Config.Env}}' snap:2)" = '["KEEP=1","A=b"]' ] ||
    skiff image inspect -f '{{json .Config.Env}}' snap:2
  [ "$(skiff image inspect -f '{{json .Config.Cmd}}' snap:2)" = '["echo","hi"]' ]
  [ "$(skiff image inspect -f '{{.Comment}}|{{.Author}}' snap:2)" = "my msg|Me <me@x>" ]
  # Docker 24 writes the container and its config too.
  cid=$(skiff inspect -f '{{.Id}}' c)
  [ "$(skiff image inspect -f '{{.Container}} {{json .ContainerConfig.Cmd}}' snap:2)" = "$cid [\"touch\",\"/f\"]" ]
  run skiff history --format '{{.CreatedBy}}|{{.Comment}}' snap:2
  [ "${lines[0]}" = "touch /f|my msg" ]
  run skiff run --rm snap:2
  [ "$output" = hi ]
  run skiff run --rm snap:2 sh -c 'echo $A$KEEP'
  [ "$output" = b1 ]
}

@test "commit: a container that changed nothing adds no layer, as Docker's" {
  load_busybox
  skiff run --name t busybox true
  skiff commit t same >/dev/null
  [ "$(skiff image inspect -f '{{json .RootFS.Layers}}' same)" = "$(skiff image inspect -f '{{json .RootFS.Layers}}' busybox)" ]
  run skiff history --format '{{.CreatedBy}} {{.Size}}' same
  [ "${lines[0]}" = "true 0B" ]
  # No name: an untagged image.
  run skiff commit t
  [[ "$output" =~ ^sha256: ]]
  [ "$(skiff images -q --no-trunc | grep -c "${output}")" = 1 ]
}

@test "commit: bad input changes nothing" {
  load_busybox
  skiff run --name c busybox touch /f
  before=$(skiff images -q | sort)
  run skiff commit -c 'FROM busybox' c bad
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "* ]]
  run skiff commit c 'Bad:Name'
  assert_error 1 "invalid reference format"
  run skiff commit nosuch x
  assert_error 1 "No such container: nosuch"
  [ "$(skiff images -q | sort)" = "$before" ]
}

@test "commit of a running container: paused meanwhile, running after" {
  load_busybox
  skiff run -d --name r busybox sh -c 'echo a > /live; touch /ready; sleep 100' >/dev/null
  wait_for skiff exec r test -f /ready
  skiff commit r live >/dev/null
  skiff commit --pause=false r live2 >/dev/null
  [ "$(skiff run --rm live cat /live)" = a ]
  [ "$(skiff run --rm live2 cat /live)" = a ]
  [ "$(skiff inspect -f '{{.State.Status}}' r)" = running ]
  skiff exec r true
  cid=$(skiff inspect -f '{{.Id}}' r)
  # The freezer cgroup the commit used is gone again (root on cgroup v1).
  [ ! -e "/sys/fs/cgroup/freezer/skiff/$cid" ]
}

@test "diff and commit with the vfs and fuse-overlayfs drivers" {
  local drv
  for drv in $(other_drivers); do
    d() { on_driver $drv "$@"; }
    d import --change 'CMD ["sh"]' "$(busybox_tar)" busybox >/dev/null
    d run --name c busybox sh -c "$CHANGES"
    run d diff c
    [ "$output" = "$DOCKER_DIFF" ] || { echo "$drv: $output"; false; }
    d run --name t busybox true
    run d diff t
    [ -z "$output" ] || { echo "$drv: $output"; false; }
    d commit c snap >/dev/null
    run d run --rm snap sh -c 'ls /home; test -e /bin/ls || echo no-ls; stat -c %u:%g /tmp'
    [ "$output" = "x
no-ls
1000:1000" ] || { echo "$drv: $output"; false; }
  done
}
