#!/usr/bin/env bats
# Archives out and back in: save (docker-archive, oci-archive, oci-dir;
# several images and tags; stdout or -o), load from a file and from stdin,
# export of stopped and running containers and its re-import. skopeo and
# podman, when installed, read what save writes as independent checks.

load helpers
load podman

# A second store, as on another machine.
skiff2() {
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root2" --runroot "$BATS_TEST_TMPDIR/run2" "$@"
}

teardown() {
  clean_store "$BATS_TEST_TMPDIR/root2" "$BATS_TEST_TMPDIR/run2"
  teardown_driver_stores
  podman_cleanup
  teardown_store
}

# Two images: busybox:latest (also tagged second:2) and other:1 with a
# CMD of its own; prints nothing.
two_images() {
  load_busybox
  skiff tag busybox second:2
  skiff import --change 'CMD ["echo","other"]' "$(busybox_tar)" other:1 >/dev/null
}

id_of() { skiff image inspect --format '{{.Id}}' "$1"; }

# --- save: docker-archive -------------------------------------------------------

@test "save -o: docker-archive with two images and their tags; layers byte for byte" {
  two_images
  bb=$(id_of busybox)
  other=$(id_of other:1)
  run skiff save -o "$BATS_TEST_TMPDIR/a.tar" busybox:latest second:2 other:1
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/a.tar")" = 600 ]
  # No temporary file is left beside it.
  [ "$(ls -A "$BATS_TEST_TMPDIR" | grep -c '^\.a\.tar\.tmp')" -eq 0 ]
  mkdir "$BATS_TEST_TMPDIR/x"
  tar -C "$BATS_TEST_TMPDIR/x" -xf "$BATS_TEST_TMPDIR/a.tar"
  m=$BATS_TEST_TMPDIR/x/manifest.json
  [ "$(jq length "$m")" -eq 2 ]
  [ "$(jq -c '.[0].RepoTags' "$m")" = '["busybox:latest","second:2"]' ]
  [ "$(jq -r '.[0].Config' "$m")" = "${bb#sha256:}.json" ]
  [ "$(jq -c '.[1].RepoTags' "$m")" = '["other:1"]' ]
  [ "$(jq -r '.[1].Config' "$m")" = "${other#sha256:}.json" ]
  # The layer is the imported tar itself, stored once for both images.
  diff=$(sha "$(busybox_tar)")
  [ "$(jq -c '[.[].Layers[]] | unique' "$m")" = "[\"$diff.tar\"]" ]
  [ "$(sha "$BATS_TEST_TMPDIR/x/$diff.tar")" = "$diff" ]
  # Each config is the stored blob: named by its own digest.
  [ "$(sha "$BATS_TEST_TMPDIR/x/${bb#sha256:}.json")" = "${bb#sha256:}" ]
  [ "$(jq -c . "$BATS_TEST_TMPDIR/x/repositories")" = \
    "{\"busybox\":{\"latest\":\"$diff\"},\"other\":{\"1\":\"$diff\"},\"second\":{\"2\":\"$diff\"}}" ]

  run skiff2 load -i "$BATS_TEST_TMPDIR/a.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Loaded image: busybox:latest\nLoaded image: second:2\nLoaded image: other:1')" ]
  [ "$(skiff2 image inspect --format '{{.Id}}' busybox)" = "$bb" ]
  [ "$(skiff2 image inspect --format '{{.Id}}' second:2)" = "$bb" ]
  [ "$(skiff2 image inspect --format '{{.Id}}' other:1)" = "$other" ]
  run skiff2 run --rm other:1
  [ "$output" = "other" ]
}

@test "save to stdout and load from stdin, also through a pipe" {
  load_busybox
  id=$(id_of busybox)
  skiff save busybox > "$BATS_TEST_TMPDIR/s.tar"
  run skiff2 load < "$BATS_TEST_TMPDIR/s.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: busybox:latest" ]
  [ "$(skiff2 image inspect --format '{{.Id}}' busybox)" = "$id" ]
  skiff2 rmi busybox >/dev/null
  run bash -c "'$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' save busybox |
    '$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root2' --runroot '$BATS_TEST_TMPDIR/run2' load"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: busybox:latest" ]
  run skiff2 run --rm busybox echo piped
  [ "$output" = "piped" ]
}

@test "save and export refuse to write to a terminal" {
  command -v script >/dev/null || skip "script is not installed (package bsdutils)"
  load_busybox
  skiff create --name c busybox true >/dev/null
  for cmd in "save busybox" "export c"; do
    run script -qec "$SKIFF_BIN --root $BATS_TEST_TMPDIR/root --runroot $BATS_TEST_TMPDIR/run $cmd" /dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"skiff: cowardly refusing to save to a terminal. Use the -o flag or redirect"* ]]
  done
}

@test "save REPOSITORY without a tag saves all its tags; save by ID saves no name" {
  load_busybox
  skiff tag busybox app:1
  skiff tag busybox app:2
  id=$(id_of busybox)
  skiff save -o "$BATS_TEST_TMPDIR/app.tar" app
  run bash -c "tar -xOf '$BATS_TEST_TMPDIR/app.tar' manifest.json | jq -c '.[0].RepoTags | sort'"
  [ "$output" = '["app:1","app:2"]' ]
  skiff save -o "$BATS_TEST_TMPDIR/id.tar" "${id:7:12}"
  run bash -c "tar -xOf '$BATS_TEST_TMPDIR/id.tar' manifest.json | jq -c '.[0].RepoTags'"
  [ "$output" = null ]
  run skiff2 load -i "$BATS_TEST_TMPDIR/id.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image ID: $id" ]
}

@test "save of a missing image fails and writes no file" {
  load_busybox
  run skiff save -o "$BATS_TEST_TMPDIR/none.tar" busybox nothere:1
  assert_error 1 "nothere:1"
  [ ! -e "$BATS_TEST_TMPDIR/none.tar" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep 'none\.tar')" ]
  run skiff save
  [ "$status" -ne 0 ]
  [[ "$output" == *"requires at least 1 argument"* ]]
}

@test "save --format and -m: formats, refusals" {
  load_busybox
  run skiff save --format tarball -o "$BATS_TEST_TMPDIR/x" busybox
  assert_error 1 'unsupported format "tarball"'
  run skiff save -m --format oci-archive -o "$BATS_TEST_TMPDIR/x" busybox
  assert_error 1 "--multi-image-archive can only be used with --format docker-archive"
  run skiff save --format oci-dir busybox
  assert_error 1 "name it with -o"
  [ ! -e "$BATS_TEST_TMPDIR/x" ]
  skiff import "$(busybox_tar)" other:1 >/dev/null
  run skiff save -m -o "$BATS_TEST_TMPDIR/m.tar" busybox other:1
  [ "$status" -eq 0 ]
  run bash -c "tar -xOf '$BATS_TEST_TMPDIR/m.tar' manifest.json | jq length"
  [ "$output" -eq 2 ]
}

# --- save: OCI --------------------------------------------------------------------

@test "save --format oci-archive: index, manifests and blobs by digest; loads back" {
  two_images
  bb=$(id_of busybox)
  skiff save --format oci-archive -o "$BATS_TEST_TMPDIR/o.tar" busybox second:2 other:1
  d=$BATS_TEST_TMPDIR/o
  mkdir "$d"
  tar -C "$d" -xf "$BATS_TEST_TMPDIR/o.tar"
  [ "$(cat "$d/oci-layout")" = '{"imageLayoutVersion":"1.0.0"}' ]
  # Every blob is named by its digest.
  for b in "$d"/blobs/sha256/*; do
    [ "$(sha "$b")" = "$(basename "$b")" ] || { echo "blob $b does not match its name"; false; }
  done
  run jq -r '.manifests[] | .annotations["io.containerd.image.name"] + " " + .annotations["org.opencontainers.image.ref.name"]' "$d/index.json"
  [ "$output" = "$(printf 'docker.io/library/busybox:latest latest\ndocker.io/library/second:2 2\ndocker.io/library/other:1 1')" ]
  man=$(jq -r '.manifests[0].digest' "$d/index.json")
  [ "$(jq -r '.manifests[1].digest' "$d/index.json")" = "$man" ]
  mf=$d/blobs/sha256/${man#sha256:}
  [ "$(jq -r .config.digest "$mf")" = "$bb" ]
  [ "$(jq -r '.layers[0].digest' "$mf")" = "sha256:$(sha "$(busybox_tar)")" ]
  [ "$(jq -r '.layers[0].size' "$mf")" = "$(stat -c %s "$(busybox_tar)")" ]
  [ "$(jq -r '.layers[0].mediaType' "$mf")" = "application/vnd.oci.image.layer.v1.tar" ]

  run skiff2 load -i "$BATS_TEST_TMPDIR/o.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Loaded image: busybox:latest\nLoaded image: second:2\nLoaded image: other:1')" ]
  [ "$(skiff2 image inspect --format '{{.Id}}' second:2)" = "$bb" ]
}

@test "save --format oci-dir: an OCI layout directory, never over a non-empty one" {
  load_busybox
  run skiff save --format oci-dir -o "$BATS_TEST_TMPDIR/layout" busybox
  [ "$status" -eq 0 ]
  [ -f "$BATS_TEST_TMPDIR/layout/oci-layout" ]
  [ "$(jq '.manifests | length' "$BATS_TEST_TMPDIR/layout/index.json")" -eq 1 ]
  [ -f "$BATS_TEST_TMPDIR/layout/blobs/sha256/$(sha "$(busybox_tar)")" ]
  run skiff save --format oci-dir -o "$BATS_TEST_TMPDIR/layout" busybox
  assert_error 1 "already exists"
  # An empty directory is filled.
  mkdir "$BATS_TEST_TMPDIR/empty"
  run skiff save --format oci-dir -o "$BATS_TEST_TMPDIR/empty" busybox
  [ "$status" -eq 0 ]
  [ -f "$BATS_TEST_TMPDIR/empty/index.json" ]
  # The directory as a tar is an oci-archive skiff loads.
  tar -C "$BATS_TEST_TMPDIR/layout" -cf "$BATS_TEST_TMPDIR/layout.tar" .
  run skiff2 load -i "$BATS_TEST_TMPDIR/layout.tar"
  [ "$output" = "Loaded image: busybox:latest" ]
}

# --- independent readers ------------------------------------------------------------

@test "skopeo inspects save's docker-archive and oci-dir" {
  need_skopeo
  load_busybox
  id=$(id_of busybox)
  diff=sha256:$(sha "$(busybox_tar)")
  skiff save -o "$BATS_TEST_TMPDIR/d.tar" busybox
  run skopeo inspect "docker-archive:$BATS_TEST_TMPDIR/d.tar"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(jq -c .Layers <<<"$output")" = "[\"$diff\"]" ]
  run skopeo inspect --config "docker-archive:$BATS_TEST_TMPDIR/d.tar"
  [ "$(jq -c .config.Cmd <<<"$output")" = '["sh"]' ]

  skiff save --format oci-dir -o "$BATS_TEST_TMPDIR/layout" busybox
  run skopeo inspect "oci:$BATS_TEST_TMPDIR/layout"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(jq -c .Layers <<<"$output")" = "[\"$diff\"]" ]
  [ "$(jq -r .Digest <<<"$output")" = "$(jq -r '.manifests[0].digest' "$BATS_TEST_TMPDIR/layout/index.json")" ]
  run skopeo inspect --raw "oci:$BATS_TEST_TMPDIR/layout:latest"
  [ "$(jq -r .config.digest <<<"$output")" = "$id" ]
  # skopeo copies the layout, checking every digest on the way.
  run skopeo --insecure-policy copy --quiet "oci:$BATS_TEST_TMPDIR/layout" "dir:$BATS_TEST_TMPDIR/copied"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "podman loads save's docker-archive and oci-archive with the same image ID" {
  need_podman
  load_busybox
  skiff tag busybox second:2
  id=$(id_of busybox)
  skiff save -o "$BATS_TEST_TMPDIR/d.tar" busybox second:2
  run podman_t load -i "$BATS_TEST_TMPDIR/d.tar"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ "$output" == *"Loaded image: localhost/busybox:latest"* ]]
  [[ "$output" == *"Loaded image: localhost/second:2"* ]]
  run podman_t image inspect --format '{{.Id}}' localhost/second:2
  [ "$output" = "${id#sha256:}" ]
  podman_t rmi -a -f >/dev/null
  # podman reads one image per OCI archive.
  skiff save --format oci-archive -o "$BATS_TEST_TMPDIR/o.tar" busybox
  run podman_t load -i "$BATS_TEST_TMPDIR/o.tar"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ "$output" == *"Loaded image: docker.io/library/busybox:latest"* ]]
  run podman_t image inspect --format '{{.Id}}' docker.io/library/busybox:latest
  [ "$output" = "${id#sha256:}" ]
}

# --- export ---------------------------------------------------------------------------

# tar's listing without the dates: type, mode, owner, size and name.
listing() { tar -tvf "$1" | awk '{print $1, $2, $3, $6, $7, $8}' | sort; }

@test "export of a stopped container: its changes, no deletions; import gives the same files" {
  load_busybox
  skiff run --name c busybox sh -c 'echo data > /hello; rm /bin/ls; mkdir -p /d/e; echo x > /d/e/f; ln /hello /zlink; chmod 0750 /d' >/dev/null
  run skiff export -o "$BATS_TEST_TMPDIR/c.tar" c
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/c.tar")" = 600 ]
  names=$(tar -tf "$BATS_TEST_TMPDIR/c.tar")
  grep -qx hello <<<"$names"
  grep -qx d/e/f <<<"$names"
  grep -qx bin/busybox <<<"$names"
  ! grep -qx bin/ls <<<"$names"
  # No "./" prefix and no whiteouts.
  ! grep -q '^\./' <<<"$names"
  ! grep -q '\.wh\.' <<<"$names"
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/c.tar" hello)" = data ]
  tar -tvf "$BATS_TEST_TMPDIR/c.tar" | grep -q '^hrw.* zlink link to hello$'
  tar -tvf "$BATS_TEST_TMPDIR/c.tar" | grep -q '^drwxr-x--- .* d/$'

  run skiff import "$BATS_TEST_TMPDIR/c.tar" exported:1
  [ "$status" -eq 0 ]
  skiff create --name c2 exported:1 true >/dev/null
  skiff export c2 > "$BATS_TEST_TMPDIR/c2.tar"
  [ "$(listing "$BATS_TEST_TMPDIR/c.tar")" = "$(listing "$BATS_TEST_TMPDIR/c2.tar")" ]
  run skiff run --rm exported:1 cat /d/e/f
  [ "$output" = x ]
}

@test "export of a running container: live files, not its volumes or mounts" {
  load_busybox
  skiff run -d --name r -v vol:/data busybox sh -c 'echo live > /live; echo v > /data/in-volume; touch /ready; sleep 100' >/dev/null
  wait_for skiff exec r test -f /ready
  skiff export r > "$BATS_TEST_TMPDIR/r.tar"
  names=$(tar -tf "$BATS_TEST_TMPDIR/r.tar")
  grep -qx live <<<"$names"
  grep -qx data/ <<<"$names"
  ! grep -q '^data/in-volume' <<<"$names"
  ! grep -q '^proc/.' <<<"$names"
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/r.tar" live)" = live ]
  # /etc/hosts is the empty mount point, not the file mounted on it, made
  # 0755 as runc makes mount points.
  [ "$(tar -tvf "$BATS_TEST_TMPDIR/r.tar" etc/hosts | awk '{print $1, $3}')" = "-rwxr-xr-x 0" ]
  skiff rm -f r >/dev/null
}

@test "export of a container that never started (the image and Docker's init layer), and of a missing one" {
  load_busybox
  skiff create --name fresh busybox true >/dev/null
  skiff export fresh > "$BATS_TEST_TMPDIR/f.tar"
  local init='.dockerenv dev/ dev/console dev/pts/ dev/shm/ etc/hostname etc/hosts etc/mtab etc/resolv.conf proc/ sys/'
  [ "$(tar -tf "$BATS_TEST_TMPDIR/f.tar" | sort)" = "$({ tar -tf "$(busybox_tar)" | sed 's|^\./||' | grep -v '^$'; tr ' ' '\n' <<<"$init"; } | sort -u)" ]
  # As moby's initlayer makes them: files and dirs 0755, owned by root.
  run sh -c "tar -tvf '$BATS_TEST_TMPDIR/f.tar' dev/console etc/hosts etc/mtab proc | awk '{print \$1, \$2, \$6, \$7, \$8}'"
  [ "${lines[0]}" = "-rwxr-xr-x 0/0 dev/console  " ] || [ "${lines[0]}" = "-rwxr-xr-x root/root dev/console  " ]
  [[ "${lines[1]}" == "-rwxr-xr-x "*" etc/hosts  " ]]
  [[ "${lines[2]}" == "lrwxrwxrwx "*" etc/mtab -> /proc/mounts" ]]
  [[ "${lines[3]}" == "drwxr-xr-x "*" proc/  " ]]
  run skiff export -o "$BATS_TEST_TMPDIR/none.tar" nothere
  assert_error 1 "nothere"
  [ ! -e "$BATS_TEST_TMPDIR/none.tar" ]
}

@test "export with the vfs and fuse-overlayfs drivers: the same view" {
  local drv
  for drv in $(other_drivers); do
    d() { on_driver $drv "$@"; }
    d import --change 'CMD ["sh"]' "$(busybox_tar)" bb >/dev/null
    d run --name c bb sh -c 'rm /bin/ls; mkdir /o; echo a > /o/a' >/dev/null
    names=$(d export c | tar -t)
    grep -qx o/a <<<"$names" || { echo "$drv: o/a missing"; false; }
    ! grep -qx bin/ls <<<"$names" || { echo "$drv: deleted bin/ls exported"; false; }
    ! grep -q '\.wh\.' <<<"$names" || { echo "$drv: whiteouts exported: $(grep '\.wh\.' <<<"$names")"; false; }
    d run -d --name r bb sh -c 'echo y > /live; touch /ready; sleep 100' >/dev/null
    wait_for d exec r test -f /ready
    d export r | tar -t | grep -qx live || { echo "$drv: running export lacks /live"; false; }
    d rm -f c r >/dev/null
    d rmi bb >/dev/null
  done
}
