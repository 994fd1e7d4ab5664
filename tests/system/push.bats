#!/usr/bin/env bats
# push against real registries (Debian's docker-registry, started once for
# this file by registry.bash): what skiff pushes is pulled back by skiff
# into a fresh store, inspected and copied by skopeo, pulled and run by
# podman. Repeat pushes skip layers, sibling repositories mount them, and
# a push killed midway leaves the store as it was. Every test pushes to
# repositories of its own: the registries live as long as the file.

load helpers
load registry
load podman

bats_require_minimum_version 1.5.0

setup_file() {
  start_registries
  local d=$BATS_FILE_TMPDIR
  busybox_tar >/dev/null
  small_layer "$d/one.tar" one.txt "layer one"
  docker_archive "$d/app.tar" app:1 "$(busybox_tar)" "$d/one.tar"
}

teardown_file() {
  stop_registries
}

setup() {
  own_home
}

# A second store, as on another machine.
skiff2() {
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root2" --runroot "$BATS_TEST_TMPDIR/run2" "$@"
}

teardown() {
  local ids
  podman_cleanup
  if [ -d "$BATS_TEST_TMPDIR/root2" ]; then
    ids=$(skiff2 ps -aq 2>/dev/null) || true
    [ -z "$ids" ] || skiff2 rm -f $ids >/dev/null 2>&1 || true
    ids=$(skiff2 images -q 2>/dev/null) || true
    [ -z "$ids" ] || skiff2 rmi -f $ids >/dev/null 2>&1 || true
  fi
  [ -d "$BATS_TEST_TMPDIR/root" ] || return 0
  ids=$(skiff ps -aq 2>/dev/null) || true
  [ -z "$ids" ] || skiff rm -f $ids >/dev/null 2>&1 || true
  ids=$(skiff images -q 2>/dev/null) || true
  [ -z "$ids" ] || skiff rmi -f $ids >/dev/null 2>&1 || true
}

login_tls() {
  printf %s "$REG_PASS" | skiff login --cert-dir "$REG_CERTS" -u "$REG_USER" --password-stdin "$REG_TLS" >/dev/null
}

push_tls() { skiff push --cert-dir "$REG_CERTS" "$@"; }

# app:1 (busybox and one small layer) loaded and tagged as each argument.
load_app() {
  local t
  skiff load -i "$BATS_FILE_TMPDIR/app.tar" >/dev/null
  for t in "$@"; do skiff tag app:1 "$t"; done
}

# The short IDs docker push shows for an image's layers: diff IDs, top first.
layer_ids() {
  skiff image inspect --format '{{range .RootFS.Layers}}{{.}} {{end}}' "$1" |
    tr ' ' '\n' | grep . | tac | cut -c8-19
}

# What the TLS registry serves for a manifest: raw body on stdout.
raw_manifest() {
  HOME=$REG_DIR/skopeo-home skopeo inspect --raw --cert-dir "$REG_CERTS" \
    --creds "$REG_USER:$REG_PASS" "docker://$REG_TLS/$1"
}

# Asserts that every layer of image $1 has the line "<id>: $2" in $output.
every_layer() {
  local id
  for id in $(layer_ids "$1"); do
    grep -qxF "$id: $2" <<<"$output" || { echo "no '$id: $2' in: $output"; return 1; }
  done
}

@test "push: layers, config and manifest; pulled back into a fresh store with the same ID, and run" {
  login_tls
  load_app "$REG_TLS/fresh/app:1"
  local id digest size
  id=$(skiff image inspect --format '{{.Id}}' app:1)
  run push_tls "$REG_TLS/fresh/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "${lines[0]}" = "The push refers to repository [$REG_TLS/fresh/app]" ]
  every_layer app:1 Preparing
  every_layer app:1 Pushing
  every_layer app:1 Pushed
  [ "${#lines[@]}" -eq 8 ]
  # The registry serves the manifest under the digest and size printed.
  digest=sha256:$(raw_manifest fresh/app:1 | sha256sum | cut -d' ' -f1)
  size=$(raw_manifest fresh/app:1 | wc -c)
  [ "${lines[7]}" = "1: digest: $digest size: $size" ]
  raw_manifest fresh/app:1 | jq -e '.mediaType == "application/vnd.docker.distribution.manifest.v2+json" and
    .config.mediaType == "application/vnd.docker.container.image.v1+json" and
    ([.layers[].mediaType] | unique) == ["application/vnd.docker.image.rootfs.diff.tar.gzip"] and
    (.layers | length) == 2' >/dev/null
  # The image keeps the repository digest.
  run skiff images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' "$REG_TLS/fresh/app"
  [ "$output" = "$REG_TLS/fresh/app 1 $digest" ]
  run skiff image inspect --format '{{json .RepoDigests}}' app:1
  [ "$output" = "[\"$REG_TLS/fresh/app@$digest\"]" ]

  run skiff2 pull -q --cert-dir "$REG_CERTS" "$REG_TLS/fresh/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(skiff2 image inspect --format '{{.Id}}' "$REG_TLS/fresh/app:1")" = "$id" ]
  run skiff2 run --rm "$REG_TLS/fresh/app:1" cat /one.txt
  [ "$status" -eq 0 ]
  [ "$output" = "layer one" ]
}

@test "push again: every layer already exists; -q prints only the reference" {
  login_tls
  load_app "$REG_TLS/again/app:1"
  push_tls -q "$REG_TLS/again/app:1" >/dev/null
  local first
  first=$(skiff image inspect --format '{{json .RepoDigests}}' app:1)
  run push_tls "$REG_TLS/again/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  every_layer app:1 "Layer already exists"
  [[ "$output" != *Pushed* && "$output" != *Pushing* ]]
  [ "${#lines[@]}" -eq 6 ]
  [ "$(skiff image inspect --format '{{json .RepoDigests}}' app:1)" = "$first" ]
  # No tag: latest, as Docker says.
  skiff tag app:1 "$REG_TLS/again/app"
  run push_tls "$REG_TLS/again/app"
  [ "${lines[0]}" = "Using default tag: latest" ]
  [[ "${lines[-1]}" == "latest: digest: sha256:"* ]]
  run push_tls -q "$REG_TLS/again/app:1"
  [ "$output" = "$REG_TLS/again/app:1" ]
}

@test "push to a sibling repository mounts the layers; a pulled image pushed back skips them" {
  login_tls
  load_app "$REG_TLS/mount/a:1" "$REG_TLS/mount/b:1"
  push_tls -q "$REG_TLS/mount/a:1" >/dev/null
  run push_tls "$REG_TLS/mount/b:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  every_layer app:1 "Mounted from mount/a"
  [[ "$output" != *Pushed* ]]
  reg_curl /v2/mount/b/tags/list | jq -e '.tags == ["1"]' >/dev/null

  # Another store pulls it: the blobs it read are known to be in mount/a.
  skiff2 pull -q --cert-dir "$REG_CERTS" "$REG_TLS/mount/a:1" >/dev/null
  skiff2 tag "$REG_TLS/mount/a:1" "$REG_TLS/mount/a:2"
  skiff2 tag "$REG_TLS/mount/a:1" "$REG_TLS/mount/c:1"
  run skiff2 push --cert-dir "$REG_CERTS" "$REG_TLS/mount/a:2"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(grep -c ': Layer already exists$' <<<"$output")" -eq 2 ] || { echo "$output"; false; }
  run skiff2 push --cert-dir "$REG_CERTS" "$REG_TLS/mount/c:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(grep -c ': Mounted from mount/a$' <<<"$output")" -eq 2 ] || { echo "$output"; false; }
  # Pushed as pulled: the very same manifest.
  [ "$(raw_manifest mount/c:1 | sha256sum)" = "$(raw_manifest mount/a:1 | sha256sum)" ]
}

@test "push --compression-format zstd: an OCI manifest with zstd layers, pulled back the same" {
  need_skopeo
  login_tls
  load_app "$REG_TLS/zstd/app:1"
  local id
  id=$(skiff image inspect --format '{{.Id}}' app:1)
  run push_tls --format docker --compression-format zstd "$REG_TLS/zstd/app:1"
  assert_error 1 "the docker manifest format has no media type for zstd layers: use --format oci"
  run push_tls --compression-format zstd "$REG_TLS/zstd/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  every_layer app:1 Pushed
  raw_manifest zstd/app:1 | jq -e '.mediaType == "application/vnd.oci.image.manifest.v1+json" and
    .config.mediaType == "application/vnd.oci.image.config.v1+json" and
    ([.layers[].mediaType] | unique) == ["application/vnd.oci.image.layer.v1.tar+zstd"]' >/dev/null
  # The blobs are zstd frames.
  local layer
  for layer in $(raw_manifest zstd/app:1 | jq -r '.layers[].digest'); do
    [ "$(reg_curl "/v2/zstd/app/blobs/$layer" | head -c 4 | od -An -tx1 | tr -d ' ')" = 28b52ffd ]
  done
  skiff2 pull -q --cert-dir "$REG_CERTS" "$REG_TLS/zstd/app:1" >/dev/null
  [ "$(skiff2 image inspect --format '{{.Id}}' "$REG_TLS/zstd/app:1")" = "$id" ]
}

@test "push --format oci: an OCI manifest and config with gzip layers" {
  need_skopeo
  login_tls
  load_app "$REG_TLS/oci/app:1"
  run push_tls -f oci "$REG_TLS/oci/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  raw_manifest oci/app:1 | jq -e '.mediaType == "application/vnd.oci.image.manifest.v1+json" and
    .config.mediaType == "application/vnd.oci.image.config.v1+json" and
    ([.layers[].mediaType] | unique) == ["application/vnd.oci.image.layer.v1.tar+gzip"]' >/dev/null
  # podman's name for Docker's format.
  run push_tls --format v2s2 "$REG_TLS/oci/app:1"
  [ "$status" -eq 0 ]
  raw_manifest oci/app:1 | jq -e '.mediaType == "application/vnd.docker.distribution.manifest.v2+json"' >/dev/null
  run push_tls --format v2s1 "$REG_TLS/oci/app:1"
  assert_error 1 "schema 1 manifest format is deprecated"
  run push_tls --compression-format xz "$REG_TLS/oci/app:1"
  assert_error 1 "unknown compression format \"xz\": use gzip or zstd"
}

@test "push errors are one line: credentials, local names, unreachable registries" {
  load_app "$REG_TLS/err/app:1" 127.0.0.1:1/err/app:1
  local before
  before=$(skiff images --digests --no-trunc)
  run --separate-stderr push_tls "$REG_TLS/err/app:1"
  [ "$status" -eq 1 ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ "$stderr" == "skiff: "*"authentication required: log in first with skiff login $REG_TLS" ]]
  [ "${lines[0]}" = "The push refers to repository [$REG_TLS/err/app]" ]

  mkdir -p "$HOME/.docker"
  jq -n --arg r "$REG_TLS" --arg a "$(printf %s "$REG_USER:wrong" | base64)" \
    '{auths: {($r): {auth: $a}}}' > "$HOME/.docker/config.json"
  run --separate-stderr push_tls "$REG_TLS/err/app:1"
  [ "$status" -eq 1 ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ "$stderr" == *"unauthorized: the registry refused the credentials of user \"$REG_USER\": log in again with skiff login $REG_TLS" ]]
  rm "$HOME/.docker/config.json"

  run push_tls "$REG_TLS/nothere/app:1"
  assert_error 1 "An image does not exist locally with the tag: $REG_TLS/nothere/app"
  [ "${lines[0]}" = "The push refers to repository [$REG_TLS/nothere/app]" ]
  [ "${#lines[@]}" -eq 2 ]
  run push_tls "$REG_TLS/err/app:2"
  assert_error 1 "tag does not exist: $REG_TLS/err/app:2"
  run push_tls "$REG_TLS/err/app@sha256:$(printf %064d 0)"
  assert_error 1 "cannot push a digest reference"
  run push_tls -a "$REG_TLS/err/app:1"
  assert_error 1 "tag can't be used with --all-tags/-a"
  run --separate-stderr skiff push 127.0.0.1:1/err/app:1
  [ "$status" -eq 1 ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ "$stderr" == "skiff: cannot reach registry 127.0.0.1:1"* ]]
  # Nothing changed in the store.
  [ "$(skiff images --digests --no-trunc)" = "$before" ]
}

@test "push -a: every local tag of the repository; a plain-HTTP registry with --tls-verify=false" {
  load_busybox
  load_app "$REG_PLAIN/all/app:1" "$REG_PLAIN/all/app:2"
  skiff tag busybox "$REG_PLAIN/all/app:bb"
  run skiff push -a "$REG_PLAIN/all/app"
  assert_error 1 "cannot reach registry $REG_PLAIN"
  run skiff push --tls-verify=false -a "$REG_PLAIN/all/app"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "${lines[0]}" = "The push refers to repository [$REG_PLAIN/all/app]" ]
  [ "$(grep -c ': digest: sha256:' <<<"$output")" -eq 3 ]
  [[ "${lines[-1]}" == "bb: digest: sha256:"* ]]
  # Tag 1 uploads both layers; tag 2 (the same image) and bb (busybox: the
  # same bottom layer) find them there.
  [ "$(grep -c ': Pushed$' <<<"$output")" -eq 2 ]
  [ "$(grep -c ': Layer already exists$' <<<"$output")" -eq 3 ]
  curl -sf "http://$REG_PLAIN/v2/all/app/tags/list" | jq -e '(.tags | sort) == ["1", "2", "bb"]' >/dev/null
  run skiff push -q --tls-verify=false -a "$REG_PLAIN/all/app"
  [ "$output" = "$REG_PLAIN/all/app" ]
}

@test "interop: podman pulls and runs what skiff pushes; skopeo inspects and copies it" {
  need_skopeo
  need_podman
  login_tls
  load_app "$REG_TLS/interop/app:1"
  local id digest
  id=$(skiff image inspect --format '{{.Id}}' app:1)
  push_tls -q "$REG_TLS/interop/app:1" >/dev/null
  digest=$(skiff image inspect --format '{{index .RepoDigests 0}}' app:1)
  digest=${digest#*@}

  run env HOME="$REG_DIR/skopeo-home" skopeo inspect --cert-dir "$REG_CERTS" \
    --creds "$REG_USER:$REG_PASS" "docker://$REG_TLS/interop/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  jq -e --arg d "$digest" '.Digest == $d and (.Layers | length) == 2 and .Os == "linux"' <<<"$output" >/dev/null
  # skopeo checks every digest as it copies.
  run env HOME="$REG_DIR/skopeo-home" skopeo --insecure-policy copy --quiet --src-cert-dir "$REG_CERTS" \
    --src-creds "$REG_USER:$REG_PASS" "docker://$REG_TLS/interop/app:1" "dir:$BATS_TEST_TMPDIR/copied"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(sha256sum < "$BATS_TEST_TMPDIR/copied/manifest.json" | cut -d' ' -f1)" = "${digest#sha256:}" ]

  run podman_t pull -q --cert-dir "$REG_CERTS" --creds "$REG_USER:$REG_PASS" "$REG_TLS/interop/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(podman_t image inspect --format '{{.Id}}' "$REG_TLS/interop/app:1")" = "${id#sha256:}" ]
  run podman_t run --rm --network none "$REG_TLS/interop/app:1" cat /one.txt
  if [ "$status" -ne 0 ] && rootless; then
    skip "rootless podman cannot run containers here: $output"
  fi
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "layer one" ]
}

@test "kill -9 during a push leaves the store as it was; the next push succeeds" {
  login_tls
  # A layer big enough to be caught on its way: random bytes compress slowly.
  local d=$BATS_TEST_TMPDIR/big
  mkdir -p "$d"
  head -c 64M /dev/urandom > "$d/big.bin"
  tar --numeric-owner --owner=0 --group=0 -C "$d" -cf "$BATS_TEST_TMPDIR/big.tar" big.bin
  docker_archive "$BATS_TEST_TMPDIR/bigimg.tar" big:1 "$(busybox_tar)" "$BATS_TEST_TMPDIR/big.tar"
  skiff load -i "$BATS_TEST_TMPDIR/bigimg.tar" >/dev/null
  skiff tag big:1 "$REG_TLS/killed/big:1"
  local root=$BATS_TEST_TMPDIR/root before layers
  before=$(skiff images --digests --no-trunc)
  layers=$(ls "$root/layers")

  push_tls "$REG_TLS/killed/big:1" > "$BATS_TEST_TMPDIR/out" 2>&1 &
  local pid=$!
  wait_for grep -q ': Pushing$' "$BATS_TEST_TMPDIR/out"
  sleep 0.2
  kill -9 "$pid"
  wait "$pid" || true
  ! grep -q ': digest: ' "$BATS_TEST_TMPDIR/out"

  [ "$(skiff images --digests --no-trunc)" = "$before" ]
  [ "$(ls "$root/layers")" = "$layers" ]
  run skiff run --rm "$REG_TLS/killed/big:1" wc -c /big.bin
  [ "$output" = "67108864 /big.bin" ]
  run push_tls "$REG_TLS/killed/big:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ "${lines[-1]}" == "1: digest: sha256:"* ]]
  skiff2 pull -q --cert-dir "$REG_CERTS" "$REG_TLS/killed/big:1" >/dev/null
  [ "$(skiff2 image inspect --format '{{.Id}}' "$REG_TLS/killed/big:1")" = \
    "$(skiff image inspect --format '{{.Id}}' big:1)" ]
}

# As Docker: a registry on this machine (127.0.0.0/8, ::1, a name such as
# localhost resolving there) takes plain HTTP, or a certificate nobody
# signed, with no flag and no configuration.
@test "push: a registry on 127.0.0.1 or localhost needs no flag or configuration" {
  unset CONTAINERS_REGISTRIES_CONF
  local local_plain=localhost:${REG_PLAIN#*:}
  load_app "$REG_PLAIN/local/app:1" "$local_plain/local/app:2" "$REG_TLS/local/app:3"
  run skiff push "$REG_PLAIN/local/app:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "${lines[0]}" = "The push refers to repository [$REG_PLAIN/local/app]" ]
  [[ "${lines[-1]}" == "1: digest: sha256:"* ]]
  run skiff push -q "$local_plain/local/app:2"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "$local_plain/local/app:2" ]
  curl -sf "http://$REG_PLAIN/v2/local/app/tags/list" | jq -e '(.tags | sort) == ["1", "2"]' >/dev/null
  # The TLS registry's CA is known nowhere: its certificate goes unchecked.
  printf %s "$REG_PASS" | skiff login -u "$REG_USER" --password-stdin "$REG_TLS"
  run skiff push -q "$REG_TLS/local/app:3"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "$REG_TLS/local/app:3" ]
  # --tls-verify=true still insists.
  run skiff push --tls-verify=true "$REG_PLAIN/local/app:1"
  assert_error 1 "cannot reach registry $REG_PLAIN"
  # And so does registries.conf saying insecure = false.
  export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
  printf '[[registry]]\nlocation = "%s"\ninsecure = false\n' "$local_plain" >"$CONTAINERS_REGISTRIES_CONF"
  run skiff push "$local_plain/local/app:2"
  assert_error 1 "cannot reach registry $local_plain"
}
