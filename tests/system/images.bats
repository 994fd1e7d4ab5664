#!/usr/bin/env bats
# Images: import (file, stdin, plain/gzip/zstd, --change, --message), the
# images table and its flags, tag, rmi (untag vs delete, shared layers,
# containers using the image), image inspect, load of docker-archive and
# oci-archive files (built here by hand, and by podman when it is
# installed), and the safety of layer extraction.

load helpers

# Debian's python3 directly: a pyenv shim first in PATH costs seconds.
PYTHON=$(command -v /usr/bin/python3 || command -v python3)

# Extracted layers in the store (temporary extraction dirs excluded).
layer_dirs() {
  find "$BATS_TEST_TMPDIR/root/layers" -mindepth 1 -maxdepth 1 -type d ! -name '.tmp-*' 2>/dev/null | sort
}

# A tarball of one small file, owned by root, made by python so the test
# needs no privileges to make or remove it: tiny_tar OUT [NAME CONTENT].
tiny_tar() {
  "$PYTHON" - "$1" "${2:-hello.txt}" "${3:-hello}" <<'PY'
import io, sys, tarfile
out, name, data = sys.argv[1], sys.argv[2], (sys.argv[3] + "\n").encode()
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644
    t.addfile(i, io.BytesIO(data))
PY
}

# Writes a docker-archive with the busybox layer to $1, tagged $2 (default
# loaded:1), with CMD ["echo","loaded"]. $3 and $4 override the layer and
# the config's diff_id; $5, a JSON object, is added to the config's
# "config". Prints the config's digest.
make_docker_archive() {
  local out=$1 tag=${2:-loaded:1} layer=${3:-$(busybox_tar)} diff=${4:-} more=${5:-"{}"}
  local dir=$BATS_TEST_TMPDIR/docker-archive.$RANDOM
  mkdir -p "$dir/0123abcd"
  cp "$layer" "$dir/0123abcd/layer.tar"
  [ -n "$diff" ] || diff=sha256:$(sha "$layer")
  jq -n --arg d "$diff" --argjson more "$more" '{architecture:"amd64", os:"linux",
      config:({Cmd:["echo","loaded"], Env:["PATH=/usr/bin:/bin"]} + $more),
      rootfs:{type:"layers", diff_ids:[$d]},
      history:[{created_by:"made by images.bats"}]}' > "$dir/config.json"
  local cfg
  cfg=$(sha "$dir/config.json")
  mv "$dir/config.json" "$dir/$cfg.json"
  jq -n --arg c "$cfg.json" --arg t "$tag" \
    '[{Config:$c, RepoTags:[$t], Layers:["0123abcd/layer.tar"]}]' > "$dir/manifest.json"
  tar -C "$dir" -cf "$out" .
  rm -rf "$dir"
  echo "$cfg"
}

# Writes an oci-archive with a gzip-compressed busybox layer to $1; $2 is
# the JSON object of the index entry's annotations. Prints the config digest.
make_oci_archive() {
  local out=$1 annotations=$2
  local dir=$BATS_TEST_TMPDIR/oci-archive.$RANDOM
  mkdir -p "$dir/blobs/sha256"
  gzip -c "$(busybox_tar)" > "$dir/layer.gz"
  local layer diff cfg man
  layer=$(sha "$dir/layer.gz")
  diff=$(sha "$(busybox_tar)")
  jq -n --arg d "sha256:$diff" '{architecture:"amd64", os:"linux",
      config:{Cmd:["echo","from-oci"]}, rootfs:{type:"layers", diff_ids:[$d]}}' > "$dir/config"
  cfg=$(sha "$dir/config")
  jq -n --arg c "sha256:$cfg" --argjson cs "$(stat -c %s "$dir/config")" \
        --arg l "sha256:$layer" --argjson ls "$(stat -c %s "$dir/layer.gz")" \
    '{schemaVersion:2, mediaType:"application/vnd.oci.image.manifest.v1+json",
      config:{mediaType:"application/vnd.oci.image.config.v1+json", digest:$c, size:$cs},
      layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar+gzip", digest:$l, size:$ls}]}' \
    > "$dir/manifest"
  man=$(sha "$dir/manifest")
  mv "$dir/layer.gz" "$dir/blobs/sha256/$layer"
  mv "$dir/config" "$dir/blobs/sha256/$cfg"
  jq -n --arg m "sha256:$man" --argjson ms "$(stat -c %s "$dir/manifest")" --argjson a "$annotations" \
    '{schemaVersion:2, manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json",
      digest:$m, size:$ms, annotations:$a}]}' > "$dir/index.json"
  mv "$dir/manifest" "$dir/blobs/sha256/$man"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  tar -C "$dir" -cf "$out" oci-layout index.json blobs
  rm -rf "$dir"
  echo "$cfg"
}

# A layer tarball with hostile entries, made with python's tarfile.
# Kinds: dotdot, abs-symlink, rel-symlink, hardlink.
evil_tar() {
  "$PYTHON" - "$1" "$2" "$BATS_TEST_TMPDIR" <<'PY'
import io, sys, tarfile
out, kind, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
def reg(t, name, data=b"pwned\n"):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
def link(t, name, target, type=tarfile.SYMTYPE):
    i = tarfile.TarInfo(name); i.type = type; i.linkname = target; t.addfile(i)
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    if kind == "dotdot":
        reg(t, "ok"); reg(t, "../evil")
    elif kind == "abs-symlink":
        # link -> / and then link/<tmp>/escape-target; l2 -> <tmp> then l2/escape-target2
        link(t, "link", "/"); reg(t, "link" + tmp + "/escape-target")
        link(t, "l2", tmp); reg(t, "l2/escape-target2")
    elif kind == "rel-symlink":
        link(t, "up", "../../../../../../../../.."); reg(t, "up" + tmp + "/escape-target")
    elif kind == "hardlink":
        reg(t, "ok"); link(t, "hl", "../x", tarfile.LNKTYPE)
PY
}

have_podman() { command -v podman >/dev/null 2>&1 && [ -x /usr/sbin/runc ]; }

# Saves an image podman imported from the busybox fixture, in FORMAT
# (docker-archive or oci-archive) to OUT. Podman's state stays in the test
# dir; a rootless podman's pause process is ended by its pid.
podman_save() {
  local format=$1 out=$2
  local p=$BATS_TEST_TMPDIR/podman
  mkdir -p "$p/home" "$p/xdg"
  chmod 0700 "$p/xdg"
  local env=(env HOME="$p/home" XDG_RUNTIME_DIR="$p/xdg" XDG_CONFIG_HOME="$p/home/.config"
             XDG_DATA_HOME="$p/home/.local/share" TMPDIR="$p")
  local pm=(podman --root "$p/root" --runroot "$p/run" --runtime /usr/sbin/runc --storage-driver vfs
            --cgroup-manager cgroupfs --events-backend file)
  local rc=0
  "${env[@]}" "${pm[@]}" import --change 'CMD ["echo","from-podman"]' "$(busybox_tar)" pm:1 >/dev/null 2>&1 &&
    "${env[@]}" "${pm[@]}" save --format "$format" -o "$out" pm:1 >/dev/null 2>&1 || rc=$?
  "${env[@]}" "${pm[@]}" rmi -a -f >/dev/null 2>&1 || true
  if [ -f "$p/xdg/libpod/tmp/pause.pid" ]; then
    kill -9 "$(cat "$p/xdg/libpod/tmp/pause.pid")" 2>/dev/null || true
  fi
  rm -rf "$p" 2>/dev/null || true
  return $rc
}

# --- import -------------------------------------------------------------

@test "import from a file prints the image ID and the image runs" {
  run skiff import --change 'CMD ["sh"]' "$(busybox_tar)" imported:1
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  id=$output
  run skiff images --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}'
  [ "$output" = "$id imported:1" ]
  run skiff run --rm imported:1 cat /etc/passwd
  [ "$status" -eq 0 ]
  [[ "$output" == *"root:x:0:0:root:/root:/bin/sh"* ]]
}

@test "import from stdin" {
  run skiff import - fromstdin:latest < "$(busybox_tar)"
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "fromstdin:latest" ]
  run skiff run --rm fromstdin echo stdin-ok
  [ "$output" = "stdin-ok" ]
}

@test "import of plain, gzip and zstd tarballs stores one shared layer" {
  command -v zstd >/dev/null || skip "zstd is not installed (package zstd)"
  gzip -c "$(busybox_tar)" > "$BATS_TEST_TMPDIR/bb.tar.gz"
  zstd -q -c "$(busybox_tar)" > "$BATS_TEST_TMPDIR/bb.tar.zst"
  run skiff import "$(busybox_tar)" plain:1
  [ "$status" -eq 0 ]
  run skiff import "$BATS_TEST_TMPDIR/bb.tar.gz" gz:1
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  run skiff import - zst:1 < "$BATS_TEST_TMPDIR/bb.tar.zst"
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  # The uncompressed content is the same: one diff_id, one layer directory.
  diff=sha256:$(sha "$(busybox_tar)")
  for n in plain:1 gz:1 zst:1; do
    run skiff image inspect --format '{{json .RootFS.Layers}}' "$n"
    [ "$output" = "[\"$diff\"]" ]
    run skiff run --rm "$n" echo "$n-runs"
    [ "$output" = "$n-runs" ]
  done
  [ "$(layer_dirs | wc -l)" -eq 1 ]
}

@test "import --change CMD/ENV/WORKDIR/LABEL is honoured by run and shown by inspect" {
  run skiff import --change 'CMD ["echo","hi"]' --change 'ENV FOO=bar' \
    --change 'WORKDIR /tmp' --change 'LABEL com.example.k=v1' "$(busybox_tar)" changed:1
  [ "$status" -eq 0 ]
  run skiff run --rm changed:1
  [ "$status" -eq 0 ]
  [ "$output" = "hi" ]
  run skiff run --rm changed:1 sh -c 'echo "$FOO $(pwd)"'
  [ "$output" = "bar /tmp" ]
  run skiff image inspect changed:1
  [ "$status" -eq 0 ]
  [ "$(jq -c '.[0].Config.Cmd' <<<"$output")" = '["echo","hi"]' ]
  [ "$(jq -r '.[0].Config.Env[]' <<<"$output" | grep '^FOO=')" = "FOO=bar" ]
  [ "$(jq -r '.[0].Config.WorkingDir' <<<"$output")" = "/tmp" ]
  [ "$(jq -r '.[0].Config.Labels["com.example.k"]' <<<"$output")" = "v1" ]
  run skiff image inspect --format '{{.Config.Labels}}' changed:1
  [[ "$output" == *"com.example.k:v1"* ]]
}

@test "import --change ENTRYPOINT gets the command as arguments" {
  run skiff import -c 'ENTRYPOINT ["echo","ep"]' "$(busybox_tar)" ep:1
  [ "$status" -eq 0 ]
  run skiff run --rm ep:1 one two
  [ "$output" = "ep one two" ]
  run skiff image inspect --format '{{json .Config.Entrypoint}}' ep:1
  [ "$output" = '["echo","ep"]' ]
}

@test "import --change USER is honoured by run" {
  run skiff import -c 'USER user' -c 'CMD ["id","-u"]' "$(busybox_tar)" usr:1
  [ "$status" -eq 0 ]
  run skiff image inspect --format '{{.Config.User}}' usr:1
  [ "$output" = "user" ]
  run skiff run --rm usr:1
  [ "$status" -eq 0 ] || { echo "BUG: a container with a non-root user does not start: $output"; false; }
  [ "$output" = "1000" ]
}

@test "run -u and -w override the image's USER and WORKDIR; empty ones keep the image's, as Docker's" {
  skiff import -c 'USER user' -c 'WORKDIR /tmp' -c 'CMD ["sh","-c","echo $(id -u) $(pwd)"]' "$(busybox_tar)" uw:1 >/dev/null
  run skiff run --rm uw:1
  [ "$status" -eq 0 ]
  [ "$output" = "1000 /tmp" ]
  run skiff run --rm -u 0 -w /etc uw:1
  [ "$output" = "0 /etc" ]
  run skiff run --rm -u '' -w '' uw:1
  [ "$output" = "1000 /tmp" ]
}

@test "import --change with several pairs in one ENV line" {
  run skiff import -c 'ENV A=1 B="two words"' "$(busybox_tar)" pairs:1
  [ "$status" -eq 0 ]
  run skiff image inspect --format '{{json .Config.Env}}' pairs:1
  [[ "$output" == *'"A=1"'* ]] || { echo "BUG: ENV with two pairs stored as: $output"; false; }
  [[ "$output" == *'"B=two words"'* ]]
  run skiff run --rm pairs:1 sh -c 'echo "$A|$B"'
  [ "$output" = "1|two words" ]
}

@test "import --change with several pairs in one LABEL line" {
  run skiff import -c 'LABEL a=b "c d"=e' "$(busybox_tar)" pairs:1
  [ "$status" -eq 0 ]
  run skiff image inspect --format '{{json .Config.Labels}}' pairs:1
  [ "$(jq -r '.a' <<<"$output")" = "b" ] || { echo "BUG: LABEL with two pairs stored as: $output"; false; }
  [ "$(jq -r '.["c d"]' <<<"$output")" = "e" ]
}

@test "import --change HEALTHCHECK as a Dockerfile writes it; a container inherits it; bad ones refused" {
  skiff import -c 'HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD wget -q -O- http://localhost/ || exit 1' \
    "$(busybox_tar)" hc:1 >/dev/null
  want='{"Interval":30000000000,"Retries":3,"StartPeriod":5000000000,"Test":["CMD-SHELL","wget -q -O- http://localhost/ || exit 1"],"Timeout":3000000000}'
  run skiff image inspect --format '{{json .Config.Healthcheck}}' hc:1
  [ "$(jq -cS . <<<"$output")" = "$want" ]
  skiff create --name c-hc hc:1 sh >/dev/null
  run skiff inspect --format '{{json .Config.Healthcheck}}' c-hc
  [ "$(jq -cS . <<<"$output")" = "$want" ]
  skiff import -c 'HEALTHCHECK --start-interval=2s CMD ["true", "x"]' "$(busybox_tar)" exec:1 >/dev/null
  run skiff image inspect --format '{{json .Config.Healthcheck}}' exec:1
  [ "$(jq -cS . <<<"$output")" = '{"StartInterval":2000000000,"Test":["CMD","true","x"]}' ]
  skiff import -c 'healthcheck none' "$(busybox_tar)" off:1 >/dev/null
  run skiff image inspect --format '{{json .Config.Healthcheck}}' off:1
  [ "$output" = '{"Test":["NONE"]}' ]

  local bad=('HEALTHCHECK --interval=5s NONE|HEALTHCHECK NONE takes no arguments'
             'HEALTHCHECK --interval=5 CMD true|"5" is not a duration'
             'HEALTHCHECK --timeout=100us CMD true|--timeout cannot be less than 1ms'
             'HEALTHCHECK --retries=-1 CMD true|--retries: "-1" is not a count'
             'HEALTHCHECK --interval 5s CMD true|missing a value on flag --interval'
             'HEALTHCHECK RUN true|Unknown type "RUN" in HEALTHCHECK (try CMD)'
             'HEALTHCHECK CMD|Missing command after HEALTHCHECK CMD')
  for b in "${bad[@]}"; do
    run skiff import -c "${b%%|*}" "$(busybox_tar)" bad:1
    assert_error 1 "${b#*|}"
    [ "${#lines[@]}" -eq 1 ]
  done
  run skiff images --format '{{.Repository}}' bad
  [ -z "$output" ]
}

@test "import --change refuses instructions that are not allowed" {
  run skiff import -c 'RUN true' "$(busybox_tar)" bad:1
  assert_error 1 "not a valid change command"
  [ "${#lines[@]}" -eq 1 ]
  run skiff images -q
  [ -z "$output" ]
}

@test "import --message is recorded in the image history" {
  run skiff import --message "imported by bats" "$(busybox_tar)" msg:1
  [ "$status" -eq 0 ]
  id=${output#sha256:}
  # The config blob is content addressed by the image ID.
  run jq -r '.history[-1].comment' "$BATS_TEST_TMPDIR/root/blobs/sha256/$id"
  [ "$output" = "imported by bats" ]
}

@test "image inspect shows the import --message as Comment" {
  run skiff import --message "imported by bats" "$(busybox_tar)" msg:1
  [ "$status" -eq 0 ]
  # docker image inspect --format '{{.Comment}}' prints the import message.
  run skiff image inspect --format '{{.Comment}}' msg:1
  [ "$output" = "imported by bats" ]
}

@test "import of an unreadable tarball fails with one error line and stores nothing" {
  head -c 4096 /dev/urandom > "$BATS_TEST_TMPDIR/garbage"
  run skiff import "$BATS_TEST_TMPDIR/garbage" garbage:1
  assert_error 1 ""
  [ "${#lines[@]}" -eq 1 ]
  run skiff images -q
  [ -z "$output" ]
  [ -z "$(layer_dirs)" ]
}

# --- images -------------------------------------------------------------

@test "images table: header, ID column, -q, --no-trunc, --digests, --format" {
  load_busybox
  id=$(skiff image inspect --format '{{.Id}}' busybox)
  [[ "$id" =~ ^sha256:[0-9a-f]{64}$ ]]
  hex=${id#sha256:}
  run skiff images
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  # Docker's tabwriter: columns padded to their widest cell plus 3, at least 10.
  [[ "${lines[0]}" =~ ^REPOSITORY\ {3}TAG\ {7}IMAGE\ ID\ {7}CREATED\ +SIZE$ ]]
  [ "$(awk 'NR == 2 {print $1, $2, $3}' <<<"$output")" = "busybox latest ${hex:0:12}" ]
  [[ "${lines[1]}" =~ (ago|second|minute).*[0-9.]+[kMG]?B$ ]]

  run skiff images -q
  [ "$output" = "${hex:0:12}" ]

  run skiff images --no-trunc
  [ "$(awk 'NR == 2 {print $3}' <<<"$output")" = "$id" ]

  run skiff images --digests
  [[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +DIGEST\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
  [ "$(awk 'NR == 2 {print $4}' <<<"$output")" = "${hex:0:12}" ]

  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "busybox:latest" ]
  run skiff images --format 'table {{.Repository}}\t{{.ID}}'
  [ "${lines[0]}" = "REPOSITORY   IMAGE ID" ]
  [ "${lines[1]}" = "busybox      ${hex:0:12}" ]
}

@test "images REPOSITORY[:TAG] filters the list" {
  load_busybox
  skiff import "$(busybox_tar)" other/app:v1 >/dev/null
  skiff tag other/app:v1 other/app:v2
  run skiff images --format '{{.Repository}}:{{.Tag}}' busybox
  [ "$output" = "busybox:latest" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}' other/app
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "other/app:v1 other/app:v2 " ]
  run skiff images --format '{{.Repository}}:{{.Tag}}' other/app:v2
  [ "$output" = "other/app:v2" ]
  run skiff images --format '{{.Repository}}' nothing-here
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

# --- tag ----------------------------------------------------------------

@test "tag adds a name to the same image; an invalid name is an error" {
  load_busybox
  id=$(skiff image inspect --format '{{.Id}}' busybox)
  run skiff tag busybox my.registry:5000/team/bb:1.0
  [ "$status" -eq 0 ]
  run skiff images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  [[ "$output" == *"my.registry:5000/team/bb:1.0 $id"* ]]
  [[ "$output" == *"busybox:latest $id"* ]]
  run skiff image inspect --format '{{json .RepoTags}}' busybox
  [ "$(jq -c 'sort' <<<"$output")" = '["busybox:latest","my.registry:5000/team/bb:1.0"]' ]
  run skiff run --rm my.registry:5000/team/bb:1.0 echo tagged
  [ "$output" = "tagged" ]

  for bad in 'Upper:1' 'a b' 'x:' 'x::y' '-x' 'a/../b'; do
    run skiff tag busybox -- "$bad"
    [ "$status" -eq 1 ] || { echo "tag to '$bad': exit $status: $output"; false; }
    [[ "$output" == "skiff: "*"invalid reference format"* ]]
  done
  run skiff tag nothere:1 new:1
  assert_error 1 "nothere:1"
  run skiff images --no-trunc --format '{{.ID}}'
  [ "$(sort -u <<<"$output")" = "$id" ]
}

# --- rmi ----------------------------------------------------------------

@test "rmi of one of two names only untags; of the last name deletes" {
  load_busybox
  id=$(skiff image inspect --format '{{.Id}}' busybox)
  skiff tag busybox second:2
  run skiff rmi second:2
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: second:2" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "busybox:latest" ]
  run skiff rmi busybox
  [ "$status" -eq 0 ]
  # And the layer that went with it, as Docker lists it (its chain ID).
  [ "${lines[0]}" = "Untagged: busybox:latest" ]
  [ "${lines[1]}" = "Deleted: $id" ]
  [[ "${lines[2]}" =~ ^Deleted:\ sha256:[0-9a-f]{64}$ ]]
  [ "${#lines[@]}" -eq 3 ]
  run skiff images -q
  [ -z "$output" ]
  run skiff image inspect busybox
  [ "$status" -ne 0 ]
  [[ "$output" == *"skiff: No such image: busybox"* ]]
}

@test "the same tarball under two names shares one layer; rmi of both removes it" {
  skiff import "$(busybox_tar)" one:1 >/dev/null
  skiff import "$(busybox_tar)" two:2 >/dev/null
  [ "$(layer_dirs | wc -l)" -eq 1 ]
  layer=$(layer_dirs)
  [ -f "$layer/diff/bin/busybox" ]
  run skiff rmi one:1
  [ "$status" -eq 0 ]
  [[ "$output" == *"Deleted: sha256:"* ]]
  [ -d "$layer" ]
  run skiff run --rm two:2 echo still-there
  [ "$output" = "still-there" ]
  run skiff rmi two:2
  [ "$status" -eq 0 ]
  [[ "$output" == *"Deleted: sha256:"* ]]
  [ ! -e "$layer" ]
  [ -z "$(layer_dirs)" ]
}

@test "rmi removes the image's config blob" {
  run skiff import "$(busybox_tar)" blob:1
  id=${output#sha256:}
  [ -f "$BATS_TEST_TMPDIR/root/blobs/sha256/$id" ]
  run skiff rmi blob:1
  [ "$status" -eq 0 ]
  [ ! -e "$BATS_TEST_TMPDIR/root/blobs/sha256/$id" ] ||
    { echo "BUG: config blob $id left in the store after rmi"; false; }
}

@test "rmi by ID of an image with two names needs -f" {
  load_busybox
  skiff tag busybox second:2
  id=$(skiff image inspect --format '{{.Id}}' busybox)
  # docker: "unable to delete ... (must be forced) - image is referenced in
  # multiple repositories".
  run skiff rmi "${id:7:12}"
  [ "$status" -ne 0 ] || { echo "BUG: rmi by ID deleted an image with two names without -f: $output"; false; }
  [[ "$output" == "skiff: "* ]]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "busybox:latest second:2 " ]
  run skiff rmi -f "${id:7:12}"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Untagged: busybox:latest"* ]]
  [[ "$output" == *"Untagged: second:2"* ]]
  [[ "$output" == *"Deleted: $id"* ]]
  run skiff images -q
  [ -z "$output" ]
}

@test "rmi is refused while a container uses the image, naming the container" {
  load_busybox
  cid=$(skiff create --name user-of-image busybox true)
  run skiff rmi busybox
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*"${cid:0:12}"* ]]
  [ "${#lines[@]}" -eq 1 ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "busybox:latest" ]
}

# Docker's engine untags then, and keeps the image (as <none>) for the
# running container: a running user is a conflict -f cannot override, so
# only the name goes (moby image_delete.go; checked against its engine).
@test "rmi -f NAME while a running container uses the image only untags it" {
  load_busybox
  id=$(skiff image inspect --format '{{.Id}}' busybox)
  running=$(skiff run -d busybox sleep 60)
  # Also when a stopped container using it comes first in the store's
  # directory order: stopped ones are made until one does (on a hashed
  # directory the running one stays first after n of them with chance
  # 1/(n+1), so that case is not asserted).
  for i in $(seq 1 30); do
    skiff create busybox true >/dev/null
    first=$(ls -U "$BATS_TEST_TMPDIR/root/containers" | grep -E '^[0-9a-f]{64}$' | head -n 1)
    [ "$first" = "$running" ] || break
  done
  run skiff rmi -f busybox
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: busybox:latest" ] || { echo "BUG: rmi -f deleted an image a running container uses: $output"; false; }
  run skiff images -q --no-trunc
  [ "$output" = "$id" ]
}

@test "rmi -f with a stopped container untags; the container still runs" {
  run skiff import --change 'CMD ["echo","still runs"]' "$(busybox_tar)" forced:1
  id=$output
  skiff create --name keeps-image forced:1 >/dev/null
  run skiff rmi -f forced:1
  [ "$status" -eq 0 ]
  [[ "$output" == *"Untagged: forced:1"* ]]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [[ "$output" != *"forced:1"* ]]
  run skiff start -a keeps-image
  [ "$status" -eq 0 ]
  [ "$output" = "still runs" ]
  run skiff inspect --format '{{.Image}}' keeps-image
  [ "$output" = "$id" ] || [ "$output" = "${id#sha256:}" ]
}

@test "rmi with several arguments removes each and reports the missing one" {
  skiff import "$(busybox_tar)" a:1 >/dev/null
  skiff import "$(busybox_tar)" b:1 >/dev/null
  skiff import "$(busybox_tar)" c:1 >/dev/null
  run skiff rmi a:1 missing:1 b:1
  [ "$status" -ne 0 ]
  [[ "$output" == *"Untagged: a:1"* ]]
  [[ "$output" == *"Untagged: b:1"* ]]
  [[ "$output" == *"skiff: No such image: missing:1"* ]]
  [ "$(grep -c '^Deleted: sha256:' <<<"$output")" -eq 2 ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "c:1" ]
}

# --- image inspect --------------------------------------------------------

@test "image inspect JSON fields and --format" {
  load_busybox
  run skiff image inspect busybox
  [ "$status" -eq 0 ]
  j=$output
  [ "$(jq 'length' <<<"$j")" -eq 1 ]
  id=$(jq -r '.[0].Id' <<<"$j")
  [[ "$id" =~ ^sha256:[0-9a-f]{64}$ ]]
  [ "$(jq -c '.[0].RepoTags' <<<"$j")" = '["busybox:latest"]' ]
  [ "$(jq -r '.[0].RootFS.Type' <<<"$j")" = "layers" ]
  [ "$(jq -r '.[0].RootFS.Layers[0]' <<<"$j")" = "sha256:$(sha "$(busybox_tar)")" ]
  [ "$(jq -c '.[0].Config.Cmd' <<<"$j")" = '["sh"]' ]
  [ "$(jq -r '.[0].Architecture' <<<"$j")" = "amd64" ]
  [ "$(jq -r '.[0].Os' <<<"$j")" = "linux" ]
  [ "$(jq -r '.[0].Size' <<<"$j")" -gt 1000000 ]
  [[ "$(jq -r '.[0].Created' <<<"$j")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]

  run skiff image inspect --format '{{.Id}} {{.Os}}/{{.Architecture}} {{index .RepoTags 0}}' busybox
  [ "$output" = "$id linux/amd64 busybox:latest" ]
  run skiff image inspect -f '{{json .Config.Cmd}}' "${id:7:12}"
  [ "$output" = '["sh"]' ]
  run skiff image inspect --format '{{.Id}}' busybox nothere:1
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = "$id" ] || [ "${lines[1]}" = "$id" ]
  [[ "$output" == *"skiff: "*"nothere:1"* ]]
}

# --- load -----------------------------------------------------------------

@test "load -i of a docker-archive: Loaded image, same layer, runs" {
  load_busybox
  cfg=$(make_docker_archive "$BATS_TEST_TMPDIR/docker.tar" loaded:1)
  run skiff load -i "$BATS_TEST_TMPDIR/docker.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: loaded:1" ]
  run skiff image inspect --format '{{.Id}} {{json .RepoTags}}' loaded:1
  [ "$output" = "sha256:$cfg [\"loaded:1\"]" ]
  run skiff images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  [[ "$output" == *"loaded:1 ${cfg:0:12}"* ]]
  # Same content as the imported busybox: one layer for both.
  [ "$(layer_dirs | wc -l)" -eq 1 ]
  run skiff run --rm loaded:1
  [ "$status" -eq 0 ]
  [ "$output" = "loaded" ]
}

@test "a loaded image's HEALTHCHECK: image inspect shows it as written, a container inherits it" {
  hc='{"Test":["CMD-SHELL","wget -q -O- http://localhost/ || exit 1"],"Interval":30000000000,"Timeout":3000000000,"StartPeriod":5000000000,"Retries":3}'
  make_docker_archive "$BATS_TEST_TMPDIR/hc.tar" hc:1 "" "" "{\"Healthcheck\":$hc}" >/dev/null
  make_docker_archive "$BATS_TEST_TMPDIR/off.tar" off:1 "" "" '{"Healthcheck":{"Test":["NONE"]}}' >/dev/null
  make_docker_archive "$BATS_TEST_TMPDIR/plain.tar" plain:1 >/dev/null
  for a in hc off plain; do
    run skiff load -q -i "$BATS_TEST_TMPDIR/$a.tar"
    [ "$status" -eq 0 ]
  done
  # The same object as the image's config holds (compared with keys sorted).
  want=$(jq -cS . <<<"$hc")
  run skiff image inspect hc:1
  [ "$status" -eq 0 ]
  [ "$(jq -cS '.[0].Config.Healthcheck' <<<"$output")" = "$want" ]
  [ "$(jq -c '.[0].Config.Cmd' <<<"$output")" = '["echo","loaded"]' ]
  run skiff image inspect --format '{{json .Config.Healthcheck}}' off:1
  [ "$output" = '{"Test":["NONE"]}' ]
  run skiff image inspect plain:1
  [ "$(jq -c '.[0].Config | has("Healthcheck")' <<<"$output")" = false ]

  # A container's Config.Healthcheck is its image's; none when it has none.
  skiff create --name c-hc hc:1 >/dev/null
  skiff create --name c-off off:1 >/dev/null
  skiff create --name c-plain plain:1 >/dev/null
  run skiff inspect --format '{{json .Config.Healthcheck}}' c-hc
  [ "$status" -eq 0 ]
  [ "$(jq -cS . <<<"$output")" = "$want" ]
  run skiff inspect --format '{{json .Config.Healthcheck}}' c-off
  [ "$output" = '{"Test":["NONE"]}' ]
  run skiff inspect c-plain
  [ "$status" -eq 0 ]
  [ "$(jq -c '.[0].Config | has("Healthcheck")' <<<"$output")" = false ]
  run skiff inspect --format '{{json .Config.Healthcheck}}' c-plain
  [ "$output" = null ]
  run skiff start -a c-hc
  [ "$output" = "loaded" ]
}

@test "load from stdin of a docker-archive" {
  make_docker_archive "$BATS_TEST_TMPDIR/docker.tar" stdin/loaded:2 >/dev/null
  run skiff load < "$BATS_TEST_TMPDIR/docker.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: stdin/loaded:2" ]
  run skiff run --rm stdin/loaded:2 echo ok
  [ "$output" = "ok" ]
  # Loading again is harmless. -q still names what it loaded: Docker's
  # quiets only the progress (docker/cli image/load.go passes quiet to the
  # engine, whose load stream keeps the "Loaded image" message).
  run skiff load -q -i "$BATS_TEST_TMPDIR/docker.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: stdin/loaded:2" ]
  run skiff images -q
  [ "${#lines[@]}" -eq 1 ]
}

@test "load of an archive without a name prints the image ID" {
  cfg=$(make_docker_archive "$BATS_TEST_TMPDIR/docker.tar" placeholder:1)
  mkdir "$BATS_TEST_TMPDIR/x"
  tar -C "$BATS_TEST_TMPDIR/x" -xf "$BATS_TEST_TMPDIR/docker.tar"
  jq '.[0].RepoTags = []' "$BATS_TEST_TMPDIR/x/manifest.json" > "$BATS_TEST_TMPDIR/m.json"
  mv "$BATS_TEST_TMPDIR/m.json" "$BATS_TEST_TMPDIR/x/manifest.json"
  tar -C "$BATS_TEST_TMPDIR/x" -cf "$BATS_TEST_TMPDIR/untagged.tar" .
  run skiff load -i "$BATS_TEST_TMPDIR/untagged.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image ID: sha256:$cfg" ]
  # -q quiets progress only (docker/cli image/load.go): the ID stays.
  run skiff load -q -i "$BATS_TEST_TMPDIR/untagged.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image ID: sha256:$cfg" ]
  run skiff images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  [ "$output" = "<none>:<none> ${cfg:0:12}" ]
  run skiff run --rm "${cfg:0:12}"
  [ "$output" = "loaded" ]
}

@test "load -i of an oci-archive with a gzip layer" {
  cfg=$(make_oci_archive "$BATS_TEST_TMPDIR/oci.tar" \
    '{"org.opencontainers.image.ref.name":"2","io.containerd.image.name":"docker.io/library/ociimg:2"}')
  run skiff load -i "$BATS_TEST_TMPDIR/oci.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: ociimg:2" ]
  run skiff image inspect --format '{{.Id}}' ociimg:2
  [ "$output" = "sha256:$cfg" ]
  run skiff run --rm ociimg:2
  [ "$output" = "from-oci" ]
}

@test "load of an oci-archive named by org.opencontainers.image.ref.name, from stdin" {
  make_oci_archive "$BATS_TEST_TMPDIR/oci.tar" \
    '{"org.opencontainers.image.ref.name":"example.com/ocionly:3"}' >/dev/null
  run skiff load < "$BATS_TEST_TMPDIR/oci.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: example.com/ocionly:3" ]
  run skiff run --rm example.com/ocionly:3 echo oci-stdin
  [ "$output" = "oci-stdin" ]
}

@test "load -i of a podman docker-archive" {
  have_podman || skip "podman is not installed"
  podman_save docker-archive "$BATS_TEST_TMPDIR/podman-docker.tar" || skip "podman could not save an image here"
  run skiff load -i "$BATS_TEST_TMPDIR/podman-docker.tar"
  [ "$status" -eq 0 ] || { echo "BUG: podman's docker-archive (layer.tar symlinks) refused: $output"; false; }
  [ "$output" = "Loaded image: localhost/pm:1" ]
  run skiff run --rm localhost/pm:1
  [ "$output" = "from-podman" ]
}

@test "load -i of a podman oci-archive" {
  have_podman || skip "podman is not installed"
  podman_save oci-archive "$BATS_TEST_TMPDIR/podman-oci.tar" || skip "podman could not save an image here"
  run skiff load -i "$BATS_TEST_TMPDIR/podman-oci.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: localhost/pm:1" ]
  run skiff run --rm localhost/pm:1
  [ "$output" = "from-podman" ]
}

@test "load refuses an archive whose diff_id does not match its layer; nothing is stored" {
  tiny_tar "$BATS_TEST_TMPDIR/tiny.tar"
  make_docker_archive "$BATS_TEST_TMPDIR/bad.tar" bad:1 "$BATS_TEST_TMPDIR/tiny.tar" \
    sha256:0000000000000000000000000000000000000000000000000000000000000000 >/dev/null
  run skiff load -i "$BATS_TEST_TMPDIR/bad.tar"
  assert_error 1 "sha256:0000000000000000000000000000000000000000000000000000000000000000"
  [ "${#lines[@]}" -eq 1 ]
  run skiff images -q
  [ -z "$output" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root/blobs/sha256")" ]
  [ -z "$(layer_dirs)" ] || { echo "BUG: layer left in the store: $(layer_dirs)"; false; }
}

@test "load of garbage bytes fails with one error line, exit 1" {
  head -c 8192 /dev/urandom > "$BATS_TEST_TMPDIR/garbage"
  run skiff load -i "$BATS_TEST_TMPDIR/garbage"
  assert_error 1 ""
  [ "${#lines[@]}" -eq 1 ]
  run skiff load < "$BATS_TEST_TMPDIR/garbage"
  assert_error 1 ""
  [ "${#lines[@]}" -eq 1 ]
  run skiff load -i "$BATS_TEST_TMPDIR/does-not-exist"
  assert_error 1 "does-not-exist"
  [ "${#lines[@]}" -eq 1 ]
  run skiff images -q
  [ -z "$output" ]
}

@test "load refuses archive members outside the archive and links in it" {
  tiny_tar "$BATS_TEST_TMPDIR/tiny.tar"
  dir=$BATS_TEST_TMPDIR/arc
  mkdir -p "$dir"
  jq -n '{architecture:"amd64", os:"linux", config:{}, rootfs:{type:"layers", diff_ids:["sha256:'"$(sha "$BATS_TEST_TMPDIR/tiny.tar")"'"]}}' > "$dir/c.json"
  jq -n '[{Config:"c.json", RepoTags:["escape:1"], Layers:["../../tiny.tar"]}]' > "$dir/manifest.json"
  tar -C "$dir" -cf "$BATS_TEST_TMPDIR/escape.tar" .
  run skiff load -i "$BATS_TEST_TMPDIR/escape.tar"
  assert_error 1 "../../tiny.tar"
  # A member that is a symlink to a host file.
  rm "$dir/manifest.json"
  ln -s /etc/passwd "$dir/layer.tar"
  jq -n '[{Config:"c.json", RepoTags:["escape:1"], Layers:["layer.tar"]}]' > "$dir/manifest.json"
  tar -C "$dir" -cf "$BATS_TEST_TMPDIR/escape2.tar" .
  run skiff load -i "$BATS_TEST_TMPDIR/escape2.tar"
  [ "$status" -eq 1 ]
  [[ "$output" == "skiff: "*"layer.tar"* ]]
  run skiff images -q
  [ -z "$output" ]
}

# --- layer safety -----------------------------------------------------------

@test "import refuses a layer entry ../evil" {
  evil_tar "$BATS_TEST_TMPDIR/evil.tar" dotdot
  run skiff import "$BATS_TEST_TMPDIR/evil.tar" evil:1
  assert_error 1 "../evil"
  [ ! -e "$BATS_TEST_TMPDIR/root/evil" ]
  [ ! -e "$BATS_TEST_TMPDIR/root/layers/evil" ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name evil)" ]
  [ -z "$(layer_dirs)" ]
  run skiff images -q
  [ -z "$output" ]
}

@test "import keeps files under an absolute symlink inside the layer" {
  evil_tar "$BATS_TEST_TMPDIR/evil.tar" abs-symlink
  run skiff import "$BATS_TEST_TMPDIR/evil.tar" symlinked:1
  if [ "$status" -eq 0 ]; then
    layer=$(layer_dirs)
    [ -f "$layer/diff$BATS_TEST_TMPDIR/escape-target" ]
    [ -f "$layer/diff$BATS_TEST_TMPDIR/escape-target2" ]
  else
    [[ "$output" == "skiff: "*"link"* ]]
  fi
  [ ! -e "$BATS_TEST_TMPDIR/escape-target" ]
  [ ! -e "$BATS_TEST_TMPDIR/escape-target2" ]
}

@test "import keeps a relative symlink climbing above the root, and writes through it only inside" {
  # As Docker: the link is stored as it is; an entry below it resolves in
  # the layer's root, never on the host.
  evil_tar "$BATS_TEST_TMPDIR/evil.tar" rel-symlink
  run skiff import --change 'CMD ["sh"]' "$BATS_TEST_TMPDIR/evil.tar" up:1
  [ "$status" -eq 0 ]
  [ ! -e "$BATS_TEST_TMPDIR/escape-target" ]
  run skiff run --rm --network none -v /bin/busybox:/bin/busybox:ro up:1 /bin/busybox sh -c \
    "/bin/busybox readlink /up; /bin/busybox cat $BATS_TEST_TMPDIR/escape-target"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = "../../../../../../../../.." ]
  [ "${lines[1]}" = "pwned" ]
}

@test "import refuses a hardlink to ../x" {
  echo "host file" > "$BATS_TEST_TMPDIR/x"
  evil_tar "$BATS_TEST_TMPDIR/evil.tar" hardlink
  run skiff import "$BATS_TEST_TMPDIR/evil.tar" hl:1
  assert_error 1 "../x"
  [[ "$output" == *'"hl"'* ]]
  [ "$(stat -c %h "$BATS_TEST_TMPDIR/x")" -eq 1 ]
  [ -z "$(layer_dirs)" ]
  run skiff images -q
  [ -z "$output" ]
}
