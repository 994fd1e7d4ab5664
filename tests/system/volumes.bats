#!/usr/bin/env bats
# Volumes: create (named, anonymous), ls, inspect, rm (in use, -f), prune
# (anonymous only, -a), names, and filling a new volume from the image's
# content at the mount point, as Docker does.

load helpers

PYTHON=$(command -v /usr/bin/python3 || command -v python3)

mountpoint_of() { echo "$BATS_TEST_TMPDIR/root/volumes/$1/_data"; }

@test "volume create: named prints its name, unnamed gets a 64-hex name" {
  run skiff volume create myvol
  [ "$status" -eq 0 ]
  [ "$output" = "myvol" ]
  [ -d "$(mountpoint_of myvol)" ]
  run skiff volume create
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  anon=$output
  [ -d "$(mountpoint_of "$anon")" ]
  run skiff volume ls -q
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "$anon myvol " ]
  # Creating an existing volume again is not an error and keeps its data.
  echo keep > "$(mountpoint_of myvol)/file"
  run skiff volume create myvol
  [ "$status" -eq 0 ]
  [ "$output" = "myvol" ]
  [ "$(cat "$(mountpoint_of myvol)/file")" = "keep" ]
}

@test "volume ls: table header, -q, --format" {
  skiff volume create alpha >/dev/null
  skiff volume create beta >/dev/null
  run skiff volume ls
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "DRIVER    VOLUME NAME" ]
  [ "${lines[1]}" = "local     alpha" ]
  [ "${lines[2]}" = "local     beta" ]
  [ "${#lines[@]}" -eq 3 ]
  run skiff volume ls -q
  [ "$output" = "$(printf 'alpha\nbeta')" ]
  run skiff volume ls --format '{{.Name}}|{{.Driver}}|{{.Mountpoint}}'
  [ "${lines[0]}" = "alpha|local|$(mountpoint_of alpha)" ]
  [ "${lines[1]}" = "beta|local|$(mountpoint_of beta)" ]
  run skiff volume ls --format 'table {{.Name}}'
  [ "${lines[0]}" = "VOLUME NAME" ]
  [ "${lines[1]}" = "alpha" ]
}

@test "volume ls of an empty store prints only the header" {
  run skiff volume ls
  [ "$status" -eq 0 ]
  [ "$output" = "DRIVER    VOLUME NAME" ]
  run skiff volume ls -q
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "volume inspect: Name, Driver, Mountpoint, Labels; --format" {
  run skiff volume create -l com.example.team=infra -l flag --label k=v=w labelled
  [ "$status" -eq 0 ]
  run skiff volume inspect labelled
  [ "$status" -eq 0 ]
  j=$output
  [ "$(jq 'length' <<<"$j")" -eq 1 ]
  [ "$(jq -r '.[0].Name' <<<"$j")" = "labelled" ]
  [ "$(jq -r '.[0].Driver' <<<"$j")" = "local" ]
  [ "$(jq -r '.[0].Scope' <<<"$j")" = "local" ]
  mp=$(jq -r '.[0].Mountpoint' <<<"$j")
  [ "$mp" = "$(mountpoint_of labelled)" ]
  [[ "$mp" == "$BATS_TEST_TMPDIR/root/"* ]]
  [ -d "$mp" ]
  [ "$(jq -c '.[0].Labels' <<<"$j")" = '{"com.example.team":"infra","flag":"","k":"v=w"}' ]
  [[ "$(jq -r '.[0].CreatedAt' <<<"$j")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]

  run skiff volume inspect --format '{{.Name}} {{.Driver}} {{index .Labels "com.example.team"}}' labelled
  [ "$output" = "labelled local infra" ]

  run skiff volume inspect nothere
  [ "$status" -ne 0 ]
  [[ "$output" == *"skiff: "*"nothere"* ]]
}

@test "volume data persists between containers" {
  load_busybox
  run skiff run --rm -v data:/data busybox sh -c 'echo persisted > /data/f'
  [ "$status" -eq 0 ]
  [ "$(cat "$(mountpoint_of data)/f")" = "persisted" ]
  run skiff run --rm -v data:/other busybox cat /other/f
  [ "$output" = "persisted" ]
  run skiff volume ls -q
  [ "$output" = "data" ]
}

@test "volume rm: removes an unused volume, refuses one in use naming the container" {
  load_busybox
  skiff volume create unused >/dev/null
  run skiff volume rm unused
  [ "$status" -eq 0 ]
  [ "$output" = "unused" ]
  [ ! -e "$BATS_TEST_TMPDIR/root/volumes/unused" ]

  cid=$(skiff create --name holder -v busy:/data busybox true)
  run skiff volume rm busy
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*"in use"* ]]
  [[ "$output" == *"${cid:0:12}"* ]]
  [ "${#lines[@]}" -eq 1 ]
  run skiff volume ls -q
  [ "$output" = "busy" ]

  run skiff volume rm nothere
  [ "$status" -ne 0 ]
  [[ "$output" == "skiff: "*"nothere"* ]]

  # Once the container is gone, the volume can go.
  skiff rm holder >/dev/null
  run skiff volume rm busy
  [ "$status" -eq 0 ]
  [ "$output" = "busy" ]
  run skiff volume ls -q
  [ -z "$output" ]
}

@test "volume rm -f of a volume in use never leaves a container without its volume" {
  load_busybox
  skiff create --name holder -v busy:/data busybox echo started >/dev/null
  run skiff volume rm -f busy
  # Docker refuses (in use); podman removes the containers too. Either is
  # fine; a container left pointing at a deleted volume is not.
  if skiff inspect holder >/dev/null 2>&1; then
    run skiff start -a holder
    [ "$status" -eq 0 ] || { echo "BUG: volume rm -f deleted a volume container 'holder' still uses: $output"; false; }
    [ "$output" = "started" ]
  else
    [ ! -e "$BATS_TEST_TMPDIR/root/volumes/busy" ]
  fi
}

@test "volume rm -f of a missing volume succeeds quietly" {
  # docker volume rm -f ignores volumes that do not exist.
  skiff volume create real >/dev/null
  run skiff volume rm -f nothere real
  [ "$status" -eq 0 ]
  [[ "$output" != *"skiff:"* ]]
  run skiff volume ls -q
  [ -z "$output" ]
}

@test "volume prune -f removes only unused anonymous volumes; -a all unused" {
  load_busybox
  skiff volume create named-unused >/dev/null
  skiff volume create named-used >/dev/null
  anon_unused=$(skiff volume create)
  skiff create --name holder -v named-used:/a -v /anon busybox true >/dev/null
  anon_used=$(skiff inspect --format '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}' holder)
  [[ "$anon_used" =~ ^[0-9a-f]{64}$ ]]

  run skiff volume prune -f
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Deleted Volumes:\n%s\n\nTotal reclaimed space: 0B' "$anon_unused")" ]
  run skiff volume ls -q
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "$(printf '%s\n' "$anon_used" named-unused named-used | sort | tr '\n' ' ')" ]

  run skiff volume prune -a -f
  [ "$status" -eq 0 ]
  [[ "$output" == *"named-unused"* ]]
  [[ "$output" != *"named-used"* ]]
  run skiff volume ls -q
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "$(printf '%s\n' "$anon_used" named-used | sort | tr '\n' ' ')" ]

  # Without the container, prune takes the anonymous one, -a the named one.
  skiff rm holder >/dev/null
  run skiff volume prune -f
  [[ "$output" == *"$anon_used"* ]]
  run skiff volume ls -q
  [ "$output" = "named-used" ]
  run skiff volume prune -a -f
  run skiff volume ls -q
  [ -z "$output" ]
  # Nothing to remove: docker/cli prints no "Deleted Volumes:" header.
  run skiff volume prune -a -f
  [ "$output" = "Total reclaimed space: 0B" ]
}

@test "volume prune reports the space it reclaimed" {
  anon=$(skiff volume create)
  head -c 2097152 /dev/zero > "$(mountpoint_of "$anon")/blob"
  run skiff volume prune -f
  [ "$status" -eq 0 ]
  [[ "$output" == *"$anon"* ]]
  [ "${lines[-1]}" != "Total reclaimed space: 0B" ] ||
    { echo "BUG: prune of a 2 MiB volume reports: ${lines[-1]}"; false; }
  [[ "${lines[-1]}" =~ ^Total\ reclaimed\ space:\ 2(\.[0-9]+)?MB$ ]]
}

@test "volume prune without -f asks, and 'n' keeps everything" {
  skiff volume create >/dev/null
  run skiff volume prune <<<"n"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Are you sure you want to continue? [y/N]"* ]]
  run skiff volume ls -q
  [ "${#lines[@]}" -eq 1 ]
  run skiff volume prune <<<"y"
  [ "$status" -eq 0 ]
  run skiff volume ls -q
  [ -z "$output" ]
}

@test "rm -v removes a container's anonymous volumes but not named ones" {
  load_busybox
  skiff create --name holder -v named:/n -v /anon busybox true >/dev/null
  anon=$(skiff inspect --format '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}' holder)
  [[ "$anon" =~ ^[0-9a-f]{64}$ ]]
  run skiff rm -v holder
  [ "$status" -eq 0 ]
  run skiff volume ls -q
  [ "$output" = "named" ]
}

# skiff, like Docker, mounts /etc/hosts, /etc/hostname and /etc/resolv.conf
# over a volume on /etc, so their mount points appear in it: leave them out.
etc_ls() {
  skiff run --rm "$@" busybox sh -c 'ls /etc | grep -v -x -e hosts -e hostname -e resolv.conf'
}

@test "a new named volume is filled from the image's content at the mount point, once" {
  load_busybox
  run skiff run --rm -v etcvol:/etc busybox cat /etc/passwd
  [ "$status" -eq 0 ]
  [[ "$output" == *"root:x:0:0:root:/root:/bin/sh"* ]]
  mp=$(mountpoint_of etcvol)
  [ -f "$mp/passwd" ]
  [ -f "$mp/group" ]
  # Changes stay; the image's content is not copied again.
  run skiff run --rm -v etcvol:/etc busybox sh -c 'rm /etc/group && echo mine > /etc/added'
  [ "$status" -eq 0 ]
  run etc_ls -v etcvol:/etc
  [ "$(tr '\n' ' ' <<<"$output")" = "added passwd " ]
  # --mount type=volume fills the same way.
  run etc_ls --mount type=volume,src=mnt,dst=/etc
  [ "$(tr '\n' ' ' <<<"$output")" = "group passwd " ]
  # An anonymous volume too.
  run etc_ls -v /etc
  [ "$(tr '\n' ' ' <<<"$output")" = "group passwd " ]
}

@test "a volume made by volume create and still empty is filled on first use" {
  load_busybox
  skiff volume create precreated >/dev/null
  run etc_ls -v precreated:/etc
  [ "$status" -eq 0 ]
  # Docker (and podman) copy the image's content into an empty volume.
  [ "$(tr '\n' ' ' <<<"$output")" = "group passwd " ] ||
    { echo "BUG: empty pre-created volume not filled: ls /etc gave '$output'"; false; }
}

@test "a non-empty volume is not filled from the image" {
  load_busybox
  skiff volume create full >/dev/null
  echo mine > "$(mountpoint_of full)/only"
  run etc_ls -v full:/etc
  [ "$status" -eq 0 ]
  [ "$output" = "only" ]
}

@test "a volume filled from a multi-layer image gets the merged content, no whiteouts" {
  # Layer 1: busybox plus /data/a and /data/keep; layer 2: /data/b and a
  # whiteout deleting /data/a.
  d=$BATS_TEST_TMPDIR/ml
  mkdir -p "$d/l1/data" "$d/l2/data" "$d/arc/1" "$d/arc/2"
  echo a > "$d/l1/data/a"
  echo keep > "$d/l1/data/keep"
  echo b > "$d/l2/data/b"
  : > "$d/l2/data/.wh.a"
  cp "$(busybox_tar)" "$d/arc/1/layer.tar"
  tar --numeric-owner --owner=0 --group=0 -C "$d/l1" -rf "$d/arc/1/layer.tar" ./data
  tar --numeric-owner --owner=0 --group=0 -C "$d/l2" -cf "$d/arc/2/layer.tar" ./data
  jq -n --arg a "sha256:$(sha "$d/arc/1/layer.tar")" --arg b "sha256:$(sha "$d/arc/2/layer.tar")" \
    '{architecture:"amd64", os:"linux", config:{Cmd:["sh"]}, rootfs:{type:"layers", diff_ids:[$a,$b]}}' \
    > "$d/cfg.json"
  cfg=$(sha "$d/cfg.json")
  mv "$d/cfg.json" "$d/arc/$cfg.json"
  jq -n --arg c "$cfg.json" '[{Config:$c, RepoTags:["multi:1"], Layers:["1/layer.tar","2/layer.tar"]}]' \
    > "$d/arc/manifest.json"
  tar -C "$d/arc" -cf "$d/multi.tar" .
  run skiff load -i "$d/multi.tar"
  [ "$output" = "Loaded image: multi:1" ]
  run skiff run --rm multi:1 ls /data
  [ "$(tr '\n' ' ' <<<"$output")" = "b keep " ]
  run skiff run --rm -v mlvol:/data multi:1 ls /data
  [ "$(tr '\n' ' ' <<<"$output")" = "b keep " ] ||
    { echo "BUG: volume filled with '$output' (top layer only, whiteout copied)"; false; }
}

@test "filling a volume never follows the image's symlinks to host files" {
  mkdir -p "$BATS_TEST_TMPDIR/hostdir"
  echo host-secret > "$BATS_TEST_TMPDIR/hostdir/secret"
  # The image's /data is an absolute symlink naming a host directory.
  "$PYTHON" - "$(busybox_tar)" "$BATS_TEST_TMPDIR/symimg.tar" "$BATS_TEST_TMPDIR/hostdir" <<'PY'
import sys, tarfile
src, out, target = sys.argv[1:]
with tarfile.open(src) as s, tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    for m in s.getmembers():
        t.addfile(m, s.extractfile(m) if m.isfile() else None)
    i = tarfile.TarInfo("data"); i.type = tarfile.SYMTYPE; i.linkname = target
    t.addfile(i)
PY
  skiff import --change 'CMD ["sh"]' "$BATS_TEST_TMPDIR/symimg.tar" symimg >/dev/null
  run skiff run --rm -v leak:/data symimg ls /data
  [ ! -e "$(mountpoint_of leak)/secret" ] ||
    { echo "BUG: host file $BATS_TEST_TMPDIR/hostdir/secret copied into volume 'leak'"; false; }
  load_busybox
  run skiff run --rm -v leak:/x busybox cat /x/secret
  [[ "$output" != *"host-secret"* ]]
}

@test "invalid volume names are refused in moby's words" {
  load_busybox
  for bad in 'bad/name' '-x' '.hidden' 'sp ace' 'x@y' '..'; do
    run skiff volume create -- "$bad"
    [ "$status" -eq 1 ] || { echo "volume create '$bad': exit $status: $output"; false; }
    [ "$output" = "skiff: create $bad: \"$bad\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path" ]
  done
  run skiff volume create a
  assert_error 1 "create a: volume name is too short, names should be at least two alphanumeric characters"
  run skiff volume create --name 'bad/name'
  assert_error 1 "includes invalid characters for a local volume name"
  run skiff run --rm -v 'x@y:/data' busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == "skiff: "* ]]
  run skiff volume ls -q
  [ -z "$output" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root/volumes")" ]
}

@test "volume ls --filter name, driver, label, dangling and volume prune --filter label as moby's" {
  # moby volume/service/convert.go (acceptedFilters), api/types/filters.
  load_busybox
  skiff volume create -l tier=db -l env=prod vdb >/dev/null
  skiff volume create -l tier=web vweb >/dev/null
  skiff volume create vplain >/dev/null
  skiff create --name user -v vweb:/w busybox >/dev/null
  f() { skiff volume ls -q "$@" | tr '\n' ' '; }
  [ "$(f --filter name=vdb)" = "vdb " ]
  [ "$(f --filter name=^v.*b$)" = "vdb vweb " ]
  [ "$(f -f name=vdb -f name=vplain)" = "vdb vplain " ]
  [ "$(f --filter driver=local)" = "vdb vplain vweb " ]
  [ "$(f --filter label=tier)" = "vdb vweb " ]
  [ "$(f --filter label=tier --filter label=env=prod)" = "vdb " ]
  [ "$(f --filter dangling=true)" = "vdb vplain " ]
  [ "$(f --filter dangling=0)" = "vweb " ]
  run skiff volume ls --format '{{.Name}} {{.Labels}}' --filter name=vdb
  [ "$output" = "vdb env=prod,tier=db" ]
  run skiff volume ls --filter bogus=1
  assert_error 1 "invalid filter 'bogus'"
  run skiff volume ls --filter dangling=maybe
  assert_error 1 "invalid filter 'dangling=maybe'"
  run skiff volume prune -f --filter name=x
  assert_error 1 "invalid filter 'name'"
  run skiff volume prune -a -f --filter 'label!=tier'
  [ "$status" -eq 0 ]
  [ "$(f)" = "vdb vweb " ]
  run skiff volume prune -a -f --filter label=env=prod
  [[ "$output" == *vdb* ]]
  [ "$(f)" = "vweb " ]
}
