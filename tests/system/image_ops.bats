#!/usr/bin/env bats
# Image housekeeping as Docker does it: history, image prune (its prompt,
# output and what it keeps), image exists (podman), images --filter, and
# rmi of an image a container uses.

load helpers

PYTHON=$(command -v /usr/bin/python3 || command -v python3)

# A one-file layer tarball: tiny_tar OUT NAME CONTENT.
tiny_tar() {
  "$PYTHON" - "$@" <<'PY'
import io, sys, tarfile
out, name, data = sys.argv[1], sys.argv[2], sys.argv[3].encode()
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644
    t.addfile(i, io.BytesIO(data))
PY
}

# Loads "layered:1": the busybox layer, an empty-layer CMD, and a layer of
# one 6-byte file, with a history of three entries as docker build writes.
load_layered() {
  local dir=$BATS_TEST_TMPDIR/layered
  mkdir -p "$dir"
  cp "$(busybox_tar)" "$dir/l1.tar"
  tiny_tar "$dir/l2.tar" hello.txt "hello
"
  local d1 d2 cfg
  d1=$(sha "$dir/l1.tar")
  d2=$(sha "$dir/l2.tar")
  jq -n --arg d1 "sha256:$d1" --arg d2 "sha256:$d2" '{architecture:"amd64", os:"linux",
      created:"2026-01-01T00:00:02Z",
      config:{Cmd:["sh"], Labels:{"stage":"test"}},
      rootfs:{type:"layers", diff_ids:[$d1, $d2]},
      history:[
        {created:"2026-01-01T00:00:00Z", created_by:"/bin/sh -c #(nop) ADD file:0123456789abcdef in / "},
        {created:"2026-01-01T00:00:01Z", created_by:"/bin/sh -c #(nop)  CMD [\"sh\"]", empty_layer:true},
        {created:"2026-01-01T00:00:02Z", created_by:"/bin/sh -c echo hello > /hello.txt && echo and a long tail",
         comment:"made by hand"}]}' > "$dir/config.json"
  cfg=$(sha "$dir/config.json")
  mv "$dir/config.json" "$dir/$cfg.json"
  jq -n --arg c "$cfg.json" '[{Config:$c, RepoTags:["layered:1"], Layers:["l1.tar","l2.tar"]}]' > "$dir/manifest.json"
  tar -C "$dir" -cf "$BATS_TEST_TMPDIR/layered.tar" manifest.json "$cfg.json" l1.tar l2.tar
  skiff load -q -i "$BATS_TEST_TMPDIR/layered.tar" >/dev/null
}

id_of() { skiff image inspect --format '{{.Id}}' "$1"; }

# --- history -----------------------------------------------------------------

@test "history of an imported image: one row with its ID, size and comment" {
  run skiff import --message "from bats" "$(busybox_tar)" imp:1
  id=$output
  run skiff history imp:1
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
  [[ "${lines[1]}" =~ ^${id:7:12}\ +(Less\ than\ a\ second|1\ second|[0-9]+\ seconds)\ ago\ +[0-9.]+[kM]B\ +from\ bats$ ]]
  run skiff history -H=false --format '{{.Size}}' imp:1
  [ "$output" = "$(skiff image inspect --format '{{.Size}}' imp:1)" ]
}

@test "history of a layered image: <missing> rows, sizes, truncation, -H, -q, --format" {
  load_layered
  id=$(id_of layered:1)
  run skiff history layered:1
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 4 ]
  [[ "${lines[1]}" =~ ^${id:7:12}\ +[0-9]+\ (months|years?)\ ago\ +/bin/sh\ -c\ echo\ hello\ \>\ /hello.txt\ \&\&\ echo\ a…\ +6B\ +made\ by\ hand$ ]]
  [[ "${lines[2]}" =~ ^\<missing\>\ +.*\ ago\ +/bin/sh\ -c\ #\(nop\)\ \ CMD\ \[\"sh\"\]\ +0B\ *$ ]]
  [[ "${lines[3]}" =~ ^\<missing\>\ +.*\ ago\ +/bin/sh\ -c\ #\(nop\)\ ADD\ file:0123456789abcdef\ …\ +[0-9.]+[kM]B\ *$ ]]

  run skiff history --no-trunc -H=false layered:1
  [[ "${lines[0]}" =~ ^IMAGE\ +CREATED\ AT\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
  [[ "${lines[1]}" == "$id   2026-01-01T00:00:02Z   /bin/sh -c echo hello > /hello.txt && echo and a long tail   6 "* ]]
  bb=$(( $(skiff image inspect --format '{{.Size}}' layered:1) - 6 ))
  [[ "${lines[3]}" =~ ^\<missing\>\ +2026-01-01T00:00:00Z\ +/bin/sh.*\ $bb\ *$ ]]

  run skiff history -q layered:1
  [ "$output" = "$(printf '%s\n<missing>\n<missing>' "${id:7:12}")" ]
  run skiff history --format '{{.ID}}|{{.Size}}|{{.Comment}}' layered:1
  [ "${lines[0]}" = "${id:7:12}|6B|made by hand" ]
  [ "${lines[1]}" = "<missing>|0B|" ]
  run skiff history --format json layered:1
  [ "$(jq -r .CreatedAt <<<"${lines[2]}")" = "2026-01-01T00:00:00Z" ]
  [ "$(jq -c 'keys' <<<"${lines[0]}")" = '["Comment","CreatedAt","CreatedBy","CreatedSince","ID","Size"]' ]
  run skiff image history -q layered:1
  [ "${#lines[@]}" -eq 3 ]
}

@test "history of a missing image fails" {
  run skiff history nothere:1
  assert_error 1 "nothere:1"
}

# --- image exists -----------------------------------------------------------------

@test "image exists: exit 0 or 1, no output" {
  load_busybox
  id=$(id_of busybox)
  run skiff image exists busybox
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run skiff image exists "${id:7:12}"
  [ "$status" -eq 0 ]
  run skiff image exists busybox:other
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  run skiff image exists
  [ "$status" -ne 0 ]
  [[ "$output" == *"'skiff image exists' requires 1 argument"* ]]
}

# --- image prune ---------------------------------------------------------------------

@test "image prune: Docker's prompt; answering no removes nothing" {
  skiff import "$(busybox_tar)" >/dev/null
  run bash -c "echo n | '$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' image prune"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ')" ]
  [ "$(skiff images -q | wc -l)" -eq 1 ]
  run bash -c "echo n | '$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' image prune -a"
  [ "$output" = "$(printf 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] ')" ]
  run bash -c "echo y | '$SKIFF_BIN' --root '$BATS_TEST_TMPDIR/root' --runroot '$BATS_TEST_TMPDIR/run' image prune"
  [ "$status" -eq 0 ]
  [[ "$output" == *"[y/N] Deleted Images:"* ]]
  [ -z "$(skiff images -q)" ]
}

@test "image prune -f: dangling images only; output and reclaimed space" {
  load_busybox
  tiny_tar "$BATS_TEST_TMPDIR/tiny.tar" f "123456789"
  dangling=$(skiff import "$BATS_TEST_TMPDIR/tiny.tar")
  shared=$(skiff import "$(busybox_tar)")
  run skiff image prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Images:" ]
  # Newest first; the busybox layer stays for busybox:latest.
  [ "${lines[1]}" = "deleted: $shared" ]
  [ "${lines[2]}" = "deleted: $dangling" ]
  [ "${lines[3]}" = "Total reclaimed space: 9B" ]
  [ "${#lines[@]}" -eq 4 ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "busybox:latest" ]
  run skiff run --rm busybox echo intact
  [ "$output" = intact ]
  [ ! -e "$BATS_TEST_TMPDIR/root/blobs/sha256/${dangling#sha256:}" ]
  # Nothing left to prune.
  run skiff image prune -f
  [ "$output" = "Total reclaimed space: 0B" ]
}

@test "image prune -a: unused images, tagged or not; images of containers stay" {
  load_busybox
  tiny_tar "$BATS_TEST_TMPDIR/tiny.tar" f "x"
  skiff import "$BATS_TEST_TMPDIR/tiny.tar" unused:1 >/dev/null
  skiff tag unused:1 unused:2
  unused=$(id_of unused:1)
  skiff import "$(busybox_tar)" kept:1 >/dev/null
  skiff create --name stopped kept:1 true >/dev/null
  run skiff image prune -a -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Images:" ]
  [[ "$output" == *"untagged: unused:1"* ]]
  [[ "$output" == *"untagged: unused:2"* ]]
  [[ "$output" == *"untagged: busybox:latest"* ]]
  [[ "$output" == *"deleted: $unused"* ]]
  [[ "$output" != *"kept:1"* ]]
  [ "${lines[-1]}" = "Total reclaimed space: 1B" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "kept:1" ]
  run skiff start -a stopped
  [ "$status" -eq 0 ]
}

@test "image prune --filter label, label! and until" {
  skiff import -c 'LABEL keep=yes' "$(busybox_tar)" labelled:1 >/dev/null
  skiff import -c 'LABEL other=1' "$(busybox_tar)" plain:1 >/dev/null
  run skiff image prune -a -f --filter label=keep=yes --filter until=1h
  [ "$output" = "Total reclaimed space: 0B" ]
  run skiff image prune -a -f --filter label=keep=yes
  [[ "$output" == *"untagged: labelled:1"* ]]
  [[ "$output" != *"plain:1"* ]]
  skiff import -c 'LABEL keep=yes' "$(busybox_tar)" labelled:2 >/dev/null
  run skiff image prune -a -f --filter 'label!=keep=yes'
  [[ "$output" == *"untagged: plain:1"* ]]
  [[ "$output" != *"labelled:2"* ]]
  run skiff image prune -a -f --filter until=2000-01-01T00:00:00Z
  [ "$output" = "Total reclaimed space: 0B" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$output" = "labelled:2" ]
  run skiff image prune -f --filter reference=x
  assert_error 1 "invalid filter 'reference'"
  run skiff image prune -f --filter until=1h --filter until=2h
  assert_error 1 "more than one until filter"
}

# --- images --filter -------------------------------------------------------------------

@test "images --filter dangling, reference, before, since, label" {
  skiff import -c 'LABEL tier=front' "$(busybox_tar)" app/web:1 >/dev/null
  skiff import -c 'LABEL tier=back' "$(busybox_tar)" app/db:1 >/dev/null
  skiff tag app/db:1 app/db:2
  none=$(skiff import "$(busybox_tar)")
  skiff import "$(busybox_tar)" tools:latest >/dev/null
  names() { skiff images --format '{{.Repository}}:{{.Tag}}' "$@" | sort | tr '\n' ' '; }
  [ "$(names --filter dangling=true)" = "<none>:<none> " ]
  [ "$(names -f dangling=false)" = "app/db:1 app/db:2 app/web:1 tools:latest " ]
  [ "$(names --filter reference='app/*')" = "app/db:1 app/db:2 app/web:1 " ]
  [ "$(names --filter reference='app/*:2')" = "app/db:2 " ]
  # Values of one key are ORed, keys are ANDed.
  [ "$(names --filter reference=tools --filter reference='*/web')" = "app/web:1 tools:latest " ]
  [ "$(names --filter reference='app/*' --filter label=tier=back)" = "app/db:1 app/db:2 " ]
  [ "$(names --filter label=tier)" = "app/db:1 app/db:2 app/web:1 " ]
  [ "$(names --filter before=app/db:1)" = "app/web:1 " ]
  [ "$(names --filter since=app/db:1)" = "<none>:<none> tools:latest " ]
  [ "$(names --filter since=app/web:1 --filter before="${none:7:12}")" = "app/db:1 app/db:2 " ]
  # The REPOSITORY argument is one more reference pattern.
  [ "$(names app/db --filter reference=tools)" = "app/db:1 app/db:2 tools:latest " ]
  run skiff images -q --filter dangling=true
  [ "$output" = "${none:7:12}" ]
  run skiff images --filter color=red
  assert_error 1 "invalid filter 'color'"
  run skiff images --filter dangling=maybe
  assert_error 1 "invalid filter 'dangling=maybe'"
  run skiff images --filter before=nothere:1
  assert_error 1 "nothere:1"
}

# --- rmi of an image in use ------------------------------------------------------------

# Docker (checked against its engine): without -f the last name of an
# image a container uses stays; rmi -f NAME of an image only stopped
# containers use untags and deletes it (no `<none>` left), the containers
# keep its layers and still start, and ps shows the image's short ID.
@test "rmi -f of an image a stopped container uses deletes it; the container keeps its layers and starts" {
  load_busybox
  id=$(id_of busybox)
  cid=$(skiff create busybox echo still-here)
  run skiff rmi busybox
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: conflict: unable to remove repository reference \"busybox\" (must force) - container ${cid:0:12} is using its referenced image ${id:7:12}" ]
  run skiff rmi "${id:7:12}"
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: conflict: unable to delete ${id:7:12} (must be forced) - image is being used by stopped container ${cid:0:12}" ]
  run skiff rmi -f busybox
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: busybox:latest
Deleted: $id" ]
  run skiff images -a -q
  [ -z "$output" ]
  run skiff image inspect "${id:7:12}"
  [ "$status" -eq 1 ]
  run skiff info --format '{{.Images}}'
  [ "$output" = "0" ]
  run skiff ps -a --format '{{.Image}} {{.Status}}'
  [ "$output" = "${id:7:12} Created" ]
  run skiff start -a "$cid"
  [ "$status" -eq 0 ]
  [ "$output" = "still-here" ]
  run skiff inspect --format '{{.Image}}' "$cid"
  [ "$output" = "$id" ]
  # Another image's gc leaves the container's layers alone; its rm frees them.
  skiff import "$(busybox_tar)" other:1 >/dev/null
  skiff rmi other:1 >/dev/null
  run skiff start -a "$cid"
  [ "$output" = "still-here" ]
  [ -n "$(ls "$BATS_TEST_TMPDIR/root/layers")" ]
  skiff rm "$cid" >/dev/null
  [ -z "$(ls "$BATS_TEST_TMPDIR/root/layers")" ]
}

@test "rmi of an image a running container uses: never by ID; -f NAME untags and keeps it as <none>" {
  load_busybox
  id=$(id_of busybox)
  cid=$(skiff run -d busybox sleep 60)
  run skiff rmi busybox
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: conflict: unable to remove repository reference \"busybox\" (must force) - container ${cid:0:12} is using its referenced image ${id:7:12}" ]
  for f in "" -f; do
    run skiff rmi $f "${id:7:12}"
    [ "$status" -eq 1 ]
    [ "$output" = "skiff: conflict: unable to delete ${id:7:12} (cannot be forced) - image is being used by running container ${cid:0:12}" ]
  done
  run skiff rmi -f busybox
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: busybox:latest" ]
  run skiff images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  [ "$output" = "<none>:<none> ${id:7:12}" ]
  run skiff ps --format '{{.Image}}'
  [ "$output" = "${id:7:12}" ]
  skiff rm -f "$cid" >/dev/null
  run skiff rmi "${id:7:12}"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "Deleted: $id" ]]
}
