#!/usr/bin/env bats
# load of archives whose JSON is wrong: every document is read by type,
# a problem is one "skiff: FILE: FIELD: ..." line with exit 1, and a
# failed load leaves the store as it was. Then the same over a few hundred
# mutated archives (tests/system/archive-gen fuzz): type swaps at every
# field, truncations, bytes flipped in tar headers, JSON text and layers.

load helpers

GEN=$BATS_TEST_DIRNAME/archive-gen
ROOT() { echo "$BATS_TEST_TMPDIR/root"; }

# What a load may change: the image index, the layers, the blobs.
store_state() {
  local r
  r=$(ROOT)
  if [ -f "$r/images.json" ]; then sha "$r/images.json"; else echo "no images.json"; fi
  ls -A "$r/layers" | sort | tr '\n' ' '
  echo
  ls -A "$r/blobs/sha256" | sort | tr '\n' ' '
  echo
}

# Makes an archive with archive-gen make ARGS... and loads it: it must
# fail with exactly "skiff: $want" and change nothing. In $want, CONFIG
# and MANIFEST stand for the members holding the (first) image config and
# OCI image manifest.
refused() {
  local want=$1
  shift
  local a=$BATS_TEST_TMPDIR/a.tar
  "$GEN" make "$a" "$@"
  local member
  if [[ "$want" == CONFIG* ]]; then
    member=$(tar -xOf "$a" manifest.json | jq -r '.[0].Config')
    want=$member${want#CONFIG}
  elif [[ "$want" == MANIFEST* ]]; then
    member=$(tar -xOf "$a" index.json | jq -r '.manifests[0].digest | sub("sha256:"; "blobs/sha256/")')
    want=$member${want#MANIFEST}
  fi
  local before
  before=$(store_state)
  run skiff load -i "$a"
  [ "$status" -eq 1 ] || { echo "$*: exit $status: $output"; return 1; }
  [ "$output" = "skiff: $want" ] || { echo "$*: got '$output', want 'skiff: $want'"; return 1; }
  [ "$(store_state)" = "$before" ] || { echo "$*: the store changed"; return 1; }
}

setup() {
  load_busybox
}

@test "load: an archive that is right loads (the generator's baseline)" {
  "$GEN" make "$BATS_TEST_TMPDIR/d.tar" docker --images 2
  run skiff load -i "$BATS_TEST_TMPDIR/d.tar"
  [ "$status" -eq 0 ]
  [ "$output" = $'Loaded image: fuzz:1\nLoaded image: fuzz:2' ]
  # No shell in the image: its files are read through export.
  cid=$(skiff create fuzz:2 /none)
  skiff export -o "$BATS_TEST_TMPDIR/fs.tar" "$cid"
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/fs.tar" hello.txt)" = hello ]
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/fs.tar" dir/two.txt)" = two ]
  "$GEN" make "$BATS_TEST_TMPDIR/o.tar" oci --tag ocifuzz
  run skiff load -i "$BATS_TEST_TMPDIR/o.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: ocifuzz:1" ]
}

@test "load: manifest.json with values of the wrong type" {
  refused 'manifest.json: [0]: expected an object, got a number' docker --set 'manifest:=[5]'
  refused 'manifest.json: expected an array, got an object' docker --set 'manifest:={}'
  refused 'manifest.json: [0].Config: expected a string, got a number' docker --set 'manifest:0.Config=5'
  refused 'manifest.json: [0].Config: missing' docker --set 'manifest:0={"Layers":[]}'
  refused 'manifest.json: [0].Layers[0]: expected a string, got a number' docker --set 'manifest:0.Layers=[5]'
  refused 'manifest.json: [0].Layers: expected an array, got a string' docker --set 'manifest:0.Layers="l.tar"'
  refused 'manifest.json: [0].RepoTags[0]: expected a string, got a number' docker --set 'manifest:0.RepoTags=[5]'
  refused 'manifest.json: [1].RepoTags[0]: invalid reference format: repository name (library/Upper) must be lowercase' \
    docker --images 2 --set 'manifest:1.RepoTags=["Upper:1"]'
}

@test "load: index.json with values of the wrong type" {
  refused 'index.json: manifests: expected an array, got a number' oci --set 'index:={"manifests":5}'
  refused 'index.json: expected an object, got null' oci --set 'index:=null'
  refused 'index.json: expected an object, got a string' oci --set 'index:="x"'
  refused 'index.json: expected an object, got an array' oci --set 'index:=[5]'
  refused 'index.json: manifests[0].digest: expected a string, got a number' oci --set 'index:manifests.0.digest=5'
  refused 'index.json: manifests[0].digest: expected a sha256 digest (sha256:<64 hex digits>)' \
    oci --set 'index:manifests.0.digest="sha256:../../etc"'
  refused 'index.json: manifests: missing' oci --set 'index:={}'
}

@test "load: an OCI image manifest with values of the wrong type" {
  refused 'MANIFEST: layers: expected an array, got a number' oci --set 'manifest:layers=5'
  refused 'MANIFEST: layers[0]: expected an object, got a number' oci --set 'manifest:layers=[5]'
  refused 'MANIFEST: config: expected an object, got a string' oci --set 'manifest:config="x"'
  refused 'MANIFEST: config.digest: missing' oci --set 'manifest:config={}'
}

@test "load: an image config with values of the wrong type" {
  refused 'CONFIG: history[0]: expected an object, got a number' \
    docker --set 'config:history=[5,{"empty_layer":"yes"}]'
  refused 'CONFIG: history[0].empty_layer: expected a boolean, got a string' \
    docker --set 'config:history=[{"empty_layer":"yes"}]'
  refused 'CONFIG: config.Env[0]: expected a string, got a number' docker --set 'config:config.Env=[1]'
  refused 'CONFIG: config.Cmd: expected an array or a string, got an object' docker --set 'config:config.Cmd={}'
  refused 'CONFIG: rootfs.diff_ids[0]: expected a sha256 digest (sha256:<64 hex digits>)' \
    docker --set 'config:rootfs.diff_ids=["../../x"]'
  refused 'CONFIG: config.Labels["made.by"]: expected a string, got a number' \
    docker --set 'config:config.Labels={"made.by":5}'
}

@test "load: null is absent and a string Cmd is a list of one, as Docker reads them" {
  "$GEN" make "$BATS_TEST_TMPDIR/a.tar" docker --set 'config:config.Cmd="/bin/cat"' \
    --set 'config:config.Env=null' --set 'manifest:0.RepoTags=null'
  run skiff load -i "$BATS_TEST_TMPDIR/a.tar"
  [ "$status" -eq 0 ]
  [[ "$output" == "Loaded image ID: sha256:"* ]]
  run skiff image inspect --format '{{json .Config.Cmd}} {{json .Config.Env}}' "${output#Loaded image ID: }"
  [ "$output" = '["/bin/cat"] null' ]
}

@test "load: a failed second image takes out what the first one stored" {
  # The second image's own layer is cut short: the first image, its config
  # and its new layer must not stay behind.
  local before
  before=$(store_state)
  "$GEN" make "$BATS_TEST_TMPDIR/a.tar" docker --images 2
  local d=$BATS_TEST_TMPDIR/x
  mkdir -p "$d"
  tar -C "$d" -xf "$BATS_TEST_TMPDIR/a.tar"
  local layer
  layer=$(jq -r '.[1].Layers[2]' "$d/manifest.json")
  head -c 700 "$d/$layer" > "$d/cut" && mv "$d/cut" "$d/$layer"
  tar -C "$d" -cf "$BATS_TEST_TMPDIR/cut.tar" .
  run skiff load -i "$BATS_TEST_TMPDIR/cut.tar"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == "skiff: $layer: "* ]]
  [ "$(store_state)" = "$before" ]
  [ -z "$(skiff images -q --filter reference=fuzz)" ]
}

@test "load: deep nesting is refused, not recursed into" {
  "$GEN" make "$BATS_TEST_TMPDIR/a.tar" docker
  local d=$BATS_TEST_TMPDIR/x
  mkdir -p "$d"
  tar -C "$d" -xf "$BATS_TEST_TMPDIR/a.tar"
  python3 -c 'print("[" * 100000 + "]" * 100000)' > "$d/manifest.json"
  tar -C "$d" -cf "$BATS_TEST_TMPDIR/deep.tar" .
  run skiff load -i "$BATS_TEST_TMPDIR/deep.tar"
  assert_error 1 "manifest.json: nested deeper than 512 levels"
  [ "${#lines[@]}" -eq 1 ]
}

@test "load of mutated archives: exit 0 or 1, one error line, a failed load changes nothing" {
  local d=$BATS_TEST_TMPDIR/fuzz seed=${SKIFF_FUZZ_SEED:-20261205}
  "$GEN" fuzz "$d" "$seed"
  skiff rmi busybox >/dev/null
  skiff load -i "$d/base.tar" >/dev/null
  local base_id before
  base_id=$(skiff images -q --no-trunc)
  before=$(store_state)
  local file what rc refused=0 loaded=0 bad=()
  while read -r file what; do
    rc=0
    skiff load -i "$d/$file" >"$d/out" 2>"$d/err" || rc=$?
    case $rc in
      0)
        loaded=$((loaded + 1))
        [ -s "$d/err" ] && bad+=("$file ($what): loaded, but said: $(cat "$d/err")")
        grep -qv '^Loaded image' "$d/out" && bad+=("$file ($what): loaded, printing: $(cat "$d/out")")
        for id in $(skiff images -q --no-trunc); do
          [ "$id" = "$base_id" ] || skiff rmi -f "$id" >/dev/null
        done ;;
      1)
        refused=$((refused + 1))
        [ -s "$d/out" ] && bad+=("$file ($what): refused, printing: $(cat "$d/out")")
        [ "$(wc -l <"$d/err")" -eq 1 ] && grep -q '^skiff: ' "$d/err" ||
          bad+=("$file ($what): not one skiff: line: $(cat "$d/err")") ;;
      *)
        bad+=("$file ($what): exit $rc: $(cat "$d/err")") ;;
    esac
    [ "$(store_state)" = "$before" ] || { bad+=("$file ($what): the store changed"); break; }
  done <"$d/cases"
  echo "seed $seed: $refused refused, $loaded loaded, ${#bad[@]} wrong"
  printf '%s\n' "${bad[@]}"
  [ "${#bad[@]}" -eq 0 ]
  # Most mutations break the archive; some only remove what is optional.
  [ "$refused" -gt 150 ]
  [ "$loaded" -gt 10 ]
}
