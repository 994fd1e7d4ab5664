#!/usr/bin/env bats
# pull, login and logout against real registries (Debian's docker-registry,
# started once for this file by registry.bash): TLS with a CA made here and
# htpasswd auth, and a plain-HTTP one. Images are put there with skopeo from
# docker-archives built by hand, so no client under test makes them.

bats_require_minimum_version 1.5.0

load helpers
load registry

host_arch() {
  case $(uname -m) in
    x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) uname -m ;;
  esac
}

# A manifest's digest, media type and size as the registry serves it:
# manifest_of REPO TAG -> "sha256:... TYPE SIZE".
manifest_of() {
  local body
  body=$(reg_curl "/v2/$1/manifests/$2" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json')
  echo "sha256:$(printf %s "$body" | sha256sum | cut -d' ' -f1) $(jq -r .mediaType <<<"$body") $(printf %s "$body" | wc -c)"
}

setup_file() {
  start_registries
  local d=$BATS_FILE_TMPDIR
  busybox_tar >/dev/null
  small_layer "$d/one.tar" one.txt "layer one"
  small_layer "$d/two.tar" two.txt "layer two"
  small_layer "$d/bad.tar" bad.txt "to be corrupted"
  docker_archive "$d/busybox.tar" busybox:latest "$(busybox_tar)"
  docker_archive "$d/app1.tar" app:1 "$(busybox_tar)" "$d/one.tar"
  docker_archive "$d/app2.tar" app:2 "$(busybox_tar)" "$d/two.tar"
  docker_archive "$d/bad-image.tar" bad:1 "$(busybox_tar)" "$d/bad.tar"
  ARCH=arm64 docker_archive "$d/arm64.tar" arm:1 "$d/one.tar"
  reg_push "$d/busybox.tar" "$REG_TLS/busybox:latest"
  reg_push "$d/app1.tar" "$REG_TLS/app:1"
  reg_push "$d/app2.tar" "$REG_TLS/app:2"
  reg_push "$d/bad-image.tar" "$REG_TLS/bad:1"
  # Layers of their own: skopeo would reuse the gzip blobs of known ones.
  mkdir -p "$d/z"
  echo "zstd layer" > "$d/z/zstd.txt"
  cp "$(busybox_tar)" "$d/z.tar"
  tar --numeric-owner --owner=0 --group=0 -C "$d/z" -rf "$d/z.tar" zstd.txt
  docker_archive "$d/zstd.tar" zstd:latest "$d/z.tar"
  reg_push "$d/zstd.tar" "$REG_TLS/zstd:latest" --format oci --dest-compress-format zstd
  reg_push "$d/busybox.tar" "$REG_PLAIN/busybox:latest"
  # A multi-arch index, written by hand: this machine's busybox and an
  # arm64 image, both in repository "multi".
  reg_push "$d/busybox.tar" "$REG_TLS/multi:host"
  reg_push "$d/arm64.tar" "$REG_TLS/multi:arm64"
  local host arm
  read -r -a host < <(manifest_of multi host)
  read -r -a arm < <(manifest_of multi arm64)
  jq -n --arg hd "${host[0]}" --arg ht "${host[1]}" --argjson hs "${host[2]}" --arg ha "$(host_arch)" \
    --arg ad "${arm[0]}" --arg at "${arm[1]}" --argjson az "${arm[2]}" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [
        {mediaType: $at, digest: $ad, size: $az, platform: {os: "linux", architecture: "arm64", variant: "v8"}},
        {mediaType: $ht, digest: $hd, size: $hs, platform: {os: "linux", architecture: $ha}}]}' \
    > "$d/index.json"
  reg_curl /v2/multi/manifests/latest -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' \
    --data-binary "@$d/index.json" >/dev/null
}

teardown_file() {
  stop_registries
}

setup() {
  own_home
}

login_tls() {
  printf %s "$REG_PASS" | skiff login --cert-dir "$REG_CERTS" -u "$REG_USER" --password-stdin "$REG_TLS"
}

# pull from the TLS registry with its CA.
pull_tls() { skiff pull --cert-dir "$REG_CERTS" "$@"; }

stored_layers() {
  find "$BATS_TEST_TMPDIR/root/layers" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l
}

# moby distribution/errors.go: a pull refused for want of access begins
# "pull access denied for NAME, repository does not exist or may require
# 'docker login'", which scripts grep for.
@test "pull: a registry asking for credentials without any is a clear error, nothing stored" {
  run pull_tls "$REG_TLS/busybox"
  assert_error 1 "pull access denied for $REG_TLS/busybox, repository does not exist or may require 'docker login': "
  assert_error 1 "authentication required: log in first with skiff login $REG_TLS"
  [ "$(echo "$output" | grep -c '^skiff: ')" -eq 1 ]
  run skiff images -q
  [ -z "$output" ]
}

@test "login: a wrong password is one error line, exit 1, nothing stored" {
  run skiff login --cert-dir "$REG_CERTS" -u "$REG_USER" --password-stdin "$REG_TLS" <<<"wrong"
  assert_error 1 "logging in to $REG_TLS: unauthorized: incorrect username or password"
  [ "${#lines[@]}" -eq 1 ]
  [ ! -e "$XDG_RUNTIME_DIR/containers/auth.json" ]
  run skiff login -u "$REG_USER" "$REG_TLS" </dev/null
  assert_error 1 "Cannot perform an interactive login from a non TTY device"
  run skiff login -p x --password-stdin "$REG_TLS" </dev/null
  assert_error 1 "mutually exclusive"
}

@test "login, pull, run, inspect, logout" {
  run login_tls
  [ "$status" -eq 0 ]
  [ "$output" = "Login Succeeded" ]
  local auth=$XDG_RUNTIME_DIR/containers/auth.json
  [ "$(stat -c %a "$auth")" = 600 ]
  [ "$(jq -r --arg r "$REG_TLS" '.auths[$r].auth' "$auth" | base64 -d)" = "$REG_USER:$REG_PASS" ]
  # The registry logged in to, and those registries.conf names.
  run skiff __complete logout ''
  [ "$output" = "$(printf '%s\n' "$REG_PLAIN" "$REG_TLS" | sort)" ]

  run pull_tls "$REG_TLS/busybox"
  [ "$status" -eq 0 ]
  local layer digest
  layer=$(reg_curl /v2/busybox/manifests/latest -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' |
    jq -r '.layers[0].digest')
  read -r digest _ < <(manifest_of busybox latest)
  [ "${lines[0]}" = "Using default tag: latest" ]
  [ "${lines[1]}" = "latest: Pulling from busybox" ]
  [ "${lines[2]}" = "${layer:7:12}: Pulling fs layer" ]
  [ "${lines[3]}" = "${layer:7:12}: Pull complete" ]
  [ "${lines[4]}" = "Digest: $digest" ]
  [ "${lines[5]}" = "Status: Downloaded newer image for $REG_TLS/busybox:latest" ]
  [ "${lines[6]}" = "$REG_TLS/busybox:latest" ]
  [ "${#lines[@]}" -eq 7 ]

  run skiff image inspect --format '{{json .RepoTags}} {{json .RepoDigests}} {{.Os}}' "$REG_TLS/busybox"
  [ "$output" = "[\"$REG_TLS/busybox:latest\"] [\"$REG_TLS/busybox@$digest\"] linux" ]
  run skiff image inspect --format '{{.Id}}' "$REG_TLS/busybox@$digest"
  [ "$status" -eq 0 ]
  run skiff run --rm "$REG_TLS/busybox" echo hi
  [ "$status" -eq 0 ]
  [ "$output" = hi ]

  # Pulled again: nothing to fetch.
  run pull_tls -q "$REG_TLS/busybox:latest"
  [ "$output" = "$REG_TLS/busybox:latest" ]
  run pull_tls "$REG_TLS/busybox:latest"
  [ "${lines[0]}" = "latest: Pulling from busybox" ]
  [ "${lines[1]}" = "Digest: $digest" ]
  [ "${lines[2]}" = "Status: Image is up to date for $REG_TLS/busybox:latest" ]
  [ "${#lines[@]}" -eq 4 ]

  run skiff logout "$REG_TLS"
  [ "$output" = "Removed login credentials for $REG_TLS" ]
  [ "$(jq '.auths | length' "$auth")" -eq 0 ]
  run skiff logout "$REG_TLS"
  [ "$output" = "Not logged in to $REG_TLS" ]
  skiff rmi "$REG_TLS/busybox" >/dev/null
  run pull_tls "$REG_TLS/busybox"
  assert_error 1 "authentication required"
}

@test "pull: credentials from Docker's config.json, the CA from a certs.d directory" {
  mkdir -p "$HOME/.docker" "$HOME/.config/containers/certs.d/$REG_TLS"
  jq -n --arg r "https://$REG_TLS" --arg a "$(printf %s "$REG_USER:$REG_PASS" | base64)" \
    '{auths: {($r): {auth: $a}}}' > "$HOME/.docker/config.json"
  # No CA anywhere: the certificate is not trusted.
  run skiff pull "$REG_TLS/busybox"
  assert_error 1 "SSL certificate problem"
  cp "$REG_CERTS/ca.crt" "$HOME/.config/containers/certs.d/$REG_TLS/"
  run skiff pull -q "$REG_TLS/busybox"
  [ "$status" -eq 0 ]
  [ "$output" = "$REG_TLS/busybox:latest" ]
  # --authfile names the only auth file besides Docker's.
  rm "$HOME/.docker/config.json"
  printf %s "$REG_PASS" | skiff login --authfile "$BATS_TEST_TMPDIR/a.json" -u "$REG_USER" --password-stdin "$REG_TLS"
  [ ! -e "$XDG_RUNTIME_DIR/containers/auth.json" ]
  run skiff pull -q --authfile "$BATS_TEST_TMPDIR/a.json" "$REG_TLS/app:1"
  [ "$status" -eq 0 ]
  REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/a.json run skiff pull -q "$REG_TLS/app:2"
  [ "$status" -eq 0 ]
  run skiff pull -q "$REG_TLS/zstd"
  assert_error 1 "authentication required"
}

@test "pull: credentials from Docker's credential helpers, credHelpers before credsStore" {
  mkdir -p "$HOME/.docker" "$BATS_TEST_TMPDIR/bin"
  # Helpers answer as docker-credential-pass does: the credentials as JSON,
  # or "credentials not found" and exit 1. This one logs what it is asked.
  cat > "$BATS_TEST_TMPDIR/bin/docker-credential-skifftest" <<EOF
#!/bin/sh
read -r server
echo "\$1 \$server" >> "$BATS_TEST_TMPDIR/helper.log"
if [ "\$server" = "$REG_TLS" ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "\$server" "$REG_USER" "$REG_PASS"
else
  echo "credentials not found in native keychain"
  exit 1
fi
EOF
  printf '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n' \
    > "$BATS_TEST_TMPDIR/bin/docker-credential-empty"
  chmod +x "$BATS_TEST_TMPDIR/bin/docker-credential-skifftest" "$BATS_TEST_TMPDIR/bin/docker-credential-empty"
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
  local cfg=$HOME/.docker/config.json
  # credsStore: the file's own auths entries are not read (as Docker).
  jq -n --arg r "$REG_TLS" '{credsStore: "skifftest", auths: {($r): {auth: "bm86bm8="}}}' > "$cfg"
  run pull_tls -q "$REG_TLS/busybox"
  [ "$status" -eq 0 ]
  [ "$output" = "$REG_TLS/busybox:latest" ]
  grep -qx "get $REG_TLS" "$BATS_TEST_TMPDIR/helper.log"
  # A helper holding nothing for the registry: no credentials.
  jq -n --arg r "$REG_TLS" '{credsStore: "skifftest", credHelpers: {($r): "empty"}}' > "$cfg"
  run pull_tls "$REG_TLS/app:1"
  assert_error 1 "authentication required: log in first with skiff login $REG_TLS"
  # A helper that is not installed: one line naming it and the file.
  jq -n --arg r "https://$REG_TLS" '{credHelpers: {($r): "absent"}}' > "$cfg"
  run pull_tls "$REG_TLS/app:1"
  assert_error 1 "the credential helper docker-credential-absent named in $cfg: docker-credential-absent not found in PATH"
  [ "$(skiff images -q | wc -l)" -eq 1 ]
}

@test "pull: a missing tag, a bad reference, a tag with --all-tags" {
  login_tls >/dev/null
  run pull_tls "$REG_TLS/busybox:nope"
  assert_error 1 "manifest for $REG_TLS/busybox:nope not found: manifest unknown"
  run pull_tls "$REG_TLS/nothere"
  assert_error 1 "not found"
  run pull_tls "$REG_TLS/Busybox"
  assert_error 1 "invalid reference format"
  run pull_tls -a "$REG_TLS/app:1"
  assert_error 1 "tag can't be used with --all-tags/-a"
  run skiff images -q
  [ -z "$output" ]
}

@test "pull: by digest" {
  login_tls >/dev/null
  local digest
  read -r digest _ < <(manifest_of app 1)
  run pull_tls "$REG_TLS/app@$digest"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$digest: Pulling from app" ]
  [ "${lines[-1]}" = "$REG_TLS/app@$digest" ]
  [[ $output == *"Status: Downloaded newer image for $REG_TLS/app@$digest"* ]]
  run skiff run --rm "$REG_TLS/app@$digest" cat /one.txt
  [ "$output" = "layer one" ]
  # Known by digest only: its repository with a <none> tag, as docker images.
  local id
  id=$(skiff image inspect --format '{{.Id}}' "$REG_TLS/app@$digest")
  run skiff images --format '{{.Repository}} {{.Tag}} {{.ID}}'
  [ "$output" = "$REG_TLS/app <none> ${id:7:12}" ]
  run skiff images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}'
  [ "$output" = "$REG_TLS/app <none> $digest" ]
  # A digest the registry does not have.
  run pull_tls "$REG_TLS/app@sha256:$(printf x | sha256sum | cut -d' ' -f1)"
  assert_error 1 "not found"
}

@test "pull: a huge or malformed manifest is one clear error, nothing stored" {
  # A static server stands in for a registry that sends them.
  local d=$BATS_TEST_TMPDIR/static reg
  mkdir -p "$d/v2/huge/manifests" "$d/v2/bad/manifests"
  head -c $((5 << 20)) /dev/zero | tr '\0' ' ' > "$d/v2/huge/manifests/latest"
  echo '{"schemaVersion": 2, "mediaType": ' > "$d/v2/bad/manifests/latest"
  reg=$(static_server "$d")
  run skiff pull --tls-verify=false "$reg/huge"
  assert_error 1 "the response from http://$reg/v2/huge/manifests/latest is larger than 4194304 bytes"
  run skiff pull --tls-verify=false "$reg/bad"
  assert_error 1 "the manifest of $reg/bad:latest: not valid JSON at line 2, column 1"
  [ -z "$(skiff images -q)" ]
  [ -z "$(ls "$BATS_TEST_TMPDIR/root/layers")" ]
}

@test "pull: a manifest, index or config with values of the wrong type is one error naming the field" {
  local d=$BATS_TEST_TMPDIR/static reg cfg zero=sha256:$(printf '0%.0s' {1..64})
  for r in layers version index config; do mkdir -p "$d/v2/$r/manifests" "$d/v2/$r/blobs"; done
  jq -nc --arg z "$zero" '{schemaVersion:2, mediaType:"application/vnd.oci.image.manifest.v1+json",
    config:{digest:$z, size:2}, layers:5}' > "$d/v2/layers/manifests/latest"
  echo '{"schemaVersion":"2","layers":[]}' > "$d/v2/version/manifests/latest"
  jq -nc '{schemaVersion:2, mediaType:"application/vnd.oci.image.index.v1+json",
    manifests:[{digest:5, size:1}]}' > "$d/v2/index/manifests/latest"
  cfg='{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"history":[5,{"empty_layer":"yes"}]}'
  local digest=sha256:$(printf %s "$cfg" | sha256sum | cut -d' ' -f1)
  printf %s "$cfg" > "$d/v2/config/blobs/$digest"
  jq -nc --arg c "$digest" --argjson n ${#cfg} '{schemaVersion:2,
    mediaType:"application/vnd.oci.image.manifest.v1+json",
    config:{mediaType:"application/vnd.oci.image.config.v1+json", digest:$c, size:$n}, layers:[]}' \
    > "$d/v2/config/manifests/latest"
  reg=$(static_server "$d")
  run skiff pull --tls-verify=false "$reg/layers"
  assert_error 1 "the manifest of $reg/layers:latest: layers: expected an array, got a number"
  [ "$(grep -c '^skiff: ' <<<"$output")" -eq 1 ]
  run skiff pull --tls-verify=false "$reg/version"
  assert_error 1 "the manifest of $reg/version:latest: schemaVersion: expected an integer, got a string"
  run skiff pull --tls-verify=false "$reg/index"
  assert_error 1 "the manifest of $reg/index:latest: manifests[0].digest: expected a string, got a number"
  run skiff pull --tls-verify=false "$reg/config"
  assert_error 1 "the image config $digest of $reg/config:latest: history[0]: expected an object, got a number"
  [ -z "$(skiff images -q)" ]
  [ -z "$(ls "$BATS_TEST_TMPDIR/root/layers")" ]
  [ -z "$(ls "$BATS_TEST_TMPDIR/root/blobs/sha256")" ]
}

@test "pull: a plain-HTTP registry only with --tls-verify=false" {
  run skiff pull "$REG_PLAIN/busybox"
  assert_error 1 "cannot reach registry $REG_PLAIN"
  [[ $output == *"--tls-verify=false"* ]]
  run skiff images -q
  [ -z "$output" ]
  run skiff pull -q --tls-verify=false "$REG_PLAIN/busybox"
  [ "$status" -eq 0 ]
  [ "$output" = "$REG_PLAIN/busybox:latest" ]
  run skiff run --rm "$REG_PLAIN/busybox" echo plain
  [ "$output" = plain ]
}

# As Docker: a registry on this machine needs no flag or configuration.
@test "pull: a registry on 127.0.0.1 or localhost needs no flag or configuration" {
  unset CONTAINERS_REGISTRIES_CONF
  local local_plain=localhost:${REG_PLAIN#*:}
  run skiff pull -q "$REG_PLAIN/busybox"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "$REG_PLAIN/busybox:latest" ]
  run skiff pull -q "$local_plain/busybox"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "$local_plain/busybox:latest" ]
  run skiff run --rm --network none "$local_plain/busybox" echo plain
  [ "$output" = plain ]
  # A certificate no CA here signed is not checked either.
  printf %s "$REG_PASS" | skiff login -u "$REG_USER" --password-stdin "$REG_TLS"
  run skiff pull -q "$REG_TLS/busybox"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "$REG_TLS/busybox:latest" ]
}

@test "pull: zstd layers" {
  login_tls >/dev/null
  run reg_curl /v2/zstd/manifests/latest -H 'Accept: application/vnd.oci.image.manifest.v1+json'
  [[ $(jq -r '.layers[0].mediaType' <<<"$output") == application/vnd.oci.image.layer.v1.tar+zstd ]]
  run pull_tls -q "$REG_TLS/zstd"
  [ "$status" -eq 0 ]
  run skiff run --rm "$REG_TLS/zstd" cat /zstd.txt
  [ "$output" = "zstd layer" ]
}

@test "pull: a multi-arch index gives this machine's image, or --platform's" {
  login_tls >/dev/null
  local index
  index=$(reg_curl /v2/multi/manifests/latest -H 'Accept: application/vnd.oci.image.index.v1+json' | sha256sum | cut -d' ' -f1)
  run pull_tls "$REG_TLS/multi"
  [ "$status" -eq 0 ]
  [[ $output == *"Digest: sha256:$index"* ]]
  run skiff image inspect --format '{{.Architecture}} {{json .RepoDigests}}' "$REG_TLS/multi"
  [ "$output" = "$(host_arch) [\"$REG_TLS/multi@sha256:$index\"]" ]
  run skiff run --rm "$REG_TLS/multi" echo native
  [ "$output" = native ]

  run pull_tls -q --platform linux/arm64 "$REG_TLS/multi:latest"
  [ "$status" -eq 0 ]
  run skiff image inspect --format '{{.Architecture}}' "$REG_TLS/multi"
  [ "$output" = arm64 ]
  run pull_tls --platform linux/s390x "$REG_TLS/multi"
  assert_error 1 "no image for platform linux/s390x in the index (it has: linux/arm64, linux/$(host_arch))"
  run pull_tls --platform arm64 "$REG_TLS/multi"
  assert_error 1 "use os/arch[/variant]"
  # A single image must match --platform too.
  run pull_tls --platform linux/arm64 "$REG_TLS/busybox"
  assert_error 1 "is an image for linux/$(host_arch), not linux/arm64"
}

@test "pull: shared layers are fetched once; --all-tags" {
  login_tls >/dev/null
  run pull_tls "$REG_TLS/app:1"
  [ "$status" -eq 0 ]
  [ "$(grep -c 'Pull complete' <<<"$output")" -eq 2 ]
  run pull_tls "$REG_TLS/app:2"
  [ "$status" -eq 0 ]
  [ "$(grep -c 'Already exists' <<<"$output")" -eq 1 ]
  [ "$(grep -c 'Pull complete' <<<"$output")" -eq 1 ]
  [ "$(stored_layers)" -eq 3 ]
  skiff rmi "$REG_TLS/app:1" "$REG_TLS/app:2" >/dev/null
  run pull_tls -a "$REG_TLS/app"
  [ "$status" -eq 0 ]
  [[ $output == *"1: Pulling from app"* ]]
  [[ $output == *"2: Pulling from app"* ]]
  [ "${lines[-2]}" = "Status: Downloaded newer image for $REG_TLS/app" ]
  [ "${lines[-1]}" = "$REG_TLS/app" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "$REG_TLS/app:1 $REG_TLS/app:2 " ]
  # The registry's port is no tag: the repository names both, a tag one.
  run skiff images --format '{{.Tag}}' "$REG_TLS/app"
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "1 2 " ]
  run skiff images --format '{{.Repository}} {{.Tag}}' "$REG_TLS/app:2"
  [ "$output" = "$REG_TLS/app 2" ]
  run skiff images -q "$REG_TLS/app:3"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "pull: two pulls at once sharing layers both succeed and store each layer once" {
  login_tls >/dev/null
  pull_tls -q "$REG_TLS/app:1" > "$BATS_TEST_TMPDIR/p1" 2>&1 &
  local p1=$!
  pull_tls -q "$REG_TLS/app:2" > "$BATS_TEST_TMPDIR/p2" 2>&1 &
  local p2=$!
  wait $p1 || { cat "$BATS_TEST_TMPDIR/p1"; return 1; }
  wait $p2 || { cat "$BATS_TEST_TMPDIR/p2"; return 1; }
  [ "$(cat "$BATS_TEST_TMPDIR/p1")" = "$REG_TLS/app:1" ]
  [ "$(cat "$BATS_TEST_TMPDIR/p2")" = "$REG_TLS/app:2" ]
  [ "$(stored_layers)" -eq 3 ]
  run skiff run --rm "$REG_TLS/app:2" cat /two.txt
  [ "$output" = "layer two" ]
}

@test "pull: a corrupted blob is a digest mismatch and nothing is stored" {
  login_tls >/dev/null
  local layer data
  layer=$(reg_curl /v2/bad/manifests/1 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' |
    jq -r '.layers[1].digest')
  data=$REG_TLS_STORAGE/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer:7}/data
  [ -f "$data" ]
  cp "$data" "$BATS_TEST_TMPDIR/good"
  # Same size, other bytes: only the digest can tell.
  head -c "$(stat -c %s "$data")" /dev/urandom > "$data"
  run pull_tls "$REG_TLS/bad:1"
  cp "$BATS_TEST_TMPDIR/good" "$data"
  assert_error 1 "layer $layer: digest mismatch"
  run skiff images -q
  [ -z "$output" ]
  # The busybox layer may have been stored beside it; the bad one is not,
  # nor any temporary extraction.
  [ "$(stored_layers)" -le 1 ]
  [ -z "$(find "$BATS_TEST_TMPDIR/root/layers" -maxdepth 1 -name '.tmp-*')" ]
  [ "$(find "$BATS_TEST_TMPDIR/root/blobs" -type f | wc -l)" -eq 0 ]
}

@test "run and create pull a missing image: Docker's lines on stderr, the container's output on stdout" {
  login_tls >/dev/null
  local digest
  read -r digest _ < <(manifest_of app 1)
  run --separate-stderr skiff run --rm --cert-dir "$REG_CERTS" "$REG_TLS/app:1" cat /one.txt
  [ "$status" -eq 0 ]
  [ "$output" = "layer one" ]
  [ "${stderr_lines[0]}" = "Unable to find image '$REG_TLS/app:1' locally" ]
  [ "${stderr_lines[1]}" = "1: Pulling from app" ]
  [ "$(grep -c ': Pull complete$' <<<"$stderr")" -eq 2 ]
  [ "${stderr_lines[-2]}" = "Digest: $digest" ]
  [ "${stderr_lines[-1]}" = "Status: Downloaded newer image for $REG_TLS/app:1" ]
  # There now: nothing more is pulled.
  run --separate-stderr skiff run --rm "$REG_TLS/app:1" cat /one.txt
  [ "$output" = "layer one" ]
  [ -z "$stderr" ]
  # create prints the container ID only; -q silences the pull.
  run --separate-stderr skiff create -q --cert-dir "$REG_CERTS" "$REG_TLS/app:2" cat /two.txt
  [ "$status" -eq 0 ]
  [[ $output =~ ^[0-9a-f]{64}$ ]]
  [ -z "$stderr" ]
  run skiff start -a "$output"
  [ "$output" = "layer two" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "$REG_TLS/app:1 $REG_TLS/app:2 " ]
}

@test "run --pull never: a missing image is an error and nothing changes" {
  run skiff run --pull never --cert-dir "$REG_CERTS" "$REG_TLS/app:1" true
  assert_error 125 "No such image: $REG_TLS/app:1"
  [ "${#lines[@]}" -eq 1 ]
  # create exits 1 for the daemon's errors (docker/cli), run 125.
  run skiff create --pull=never "$REG_TLS/app:1"
  assert_error 1 "No such image: $REG_TLS/app:1"
  run skiff images -q
  [ -z "$output" ]
  run skiff ps -aq
  [ -z "$output" ]
  # A local image is used without asking a registry (none listens on port 1).
  load_busybox
  skiff tag busybox 127.0.0.1:1/busybox
  run --separate-stderr skiff run --rm --pull never 127.0.0.1:1/busybox echo local
  [ "$output" = local ]
  [ -z "$stderr" ]
  run skiff run --pull sometimes busybox true
  assert_error 125 "invalid pull option: 'sometimes': must be one of \"always\", \"missing\" or \"never\""
  run skiff ps -aq
  [ -z "$output" ]
}

@test "run --pull always follows a tag the registry moved; podman's newer is refused as Docker refuses it" {
  login_tls >/dev/null
  local d=$BATS_FILE_TMPDIR
  reg_push "$d/app1.tar" "$REG_TLS/moving:latest"
  run --separate-stderr skiff run --rm --cert-dir "$REG_CERTS" "$REG_TLS/moving" cat /one.txt
  [ "$output" = "layer one" ]
  [ "${stderr_lines[0]}" = "Unable to find image '$REG_TLS/moving:latest' locally" ]
  # docker/cli's validatePullOpt knows three values: newer is a flag error.
  run skiff run --rm --pull newer --cert-dir "$REG_CERTS" "$REG_TLS/moving" cat /one.txt
  assert_error 125 "invalid pull option: 'newer': must be one of \"always\", \"missing\" or \"never\""
  # always pulls anyway.
  run --separate-stderr skiff run --rm --pull always --cert-dir "$REG_CERTS" "$REG_TLS/moving" cat /one.txt
  [ "$output" = "layer one" ]
  [ "${stderr_lines[0]}" = "latest: Pulling from moving" ]
  [ "${stderr_lines[-1]}" = "Status: Image is up to date for $REG_TLS/moving:latest" ]

  reg_push "$d/app2.tar" "$REG_TLS/moving:latest"
  # missing keeps the local image; always takes the registry's.
  run --separate-stderr skiff run --rm "$REG_TLS/moving" cat /one.txt
  [ "$output" = "layer one" ]
  [ -z "$stderr" ]
  run --separate-stderr skiff run --rm --pull always --cert-dir "$REG_CERTS" "$REG_TLS/moving" cat /two.txt
  [ "$output" = "layer two" ]
  [ "${stderr_lines[-1]}" = "Status: Downloaded newer image for $REG_TLS/moving:latest" ]

  run skiff run --rm --pull always "$REG_TLS/moving" true
  assert_error 125 "cannot reach registry $REG_TLS"
}

@test "registries.conf: short names searched in order, insecure registries without the flag" {
  mkdir -p "$HOME/.config/containers/certs.d/$REG_TLS"
  cp "$REG_CERTS/ca.crt" "$HOME/.config/containers/certs.d/$REG_TLS/"
  login_tls >/dev/null
  # The user's file, found without being named.
  unset CONTAINERS_REGISTRIES_CONF
  cat > "$HOME/.config/containers/registries.conf" <<EOF
# a test's registries
unqualified-search-registries = ["$REG_PLAIN", "$REG_TLS"]

[[registry]]
location = "$REG_PLAIN"
insecure = true
EOF
  run skiff pull app:1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Trying to pull $REG_PLAIN/app:1..." ]
  [ "${lines[1]}" = "1: Pulling from app" ]
  [ "${lines[2]}" = "Trying to pull $REG_TLS/app:1..." ]
  [ "${lines[-2]}" = "Status: Downloaded newer image for $REG_TLS/app:1" ]
  [ "${lines[-1]}" = "$REG_TLS/app:1" ]
  # The short name finds it in the store through the same list.
  run skiff run --rm app:1 cat /one.txt
  [ "$output" = "layer one" ]
  # The plain-HTTP registry is first and insecure by configuration.
  run --separate-stderr skiff run --rm busybox echo from-plain
  [ "$output" = from-plain ]
  [ "${stderr_lines[0]}" = "Unable to find image 'busybox:latest' locally" ]
  [ "${stderr_lines[1]}" = "Trying to pull $REG_PLAIN/busybox:latest..." ]
  [ "${stderr_lines[-1]}" = "Status: Downloaded newer image for $REG_PLAIN/busybox:latest" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$(sort <<<"$output")" = "$(printf '%s\n' "$REG_PLAIN/busybox:latest" "$REG_TLS/app:1" | sort)" ]
  run skiff rmi app:1
  [ "${lines[0]}" = "Untagged: $REG_TLS/app:1" ]
  [[ ${lines[1]} == "Deleted: sha256:"* ]]
  run skiff pull nothere
  assert_error 1 "could not pull nothere from any search registry of registries.conf ($REG_PLAIN, $REG_TLS): manifest for $REG_PLAIN/nothere:latest not found"
  [[ $output == *"; manifest for $REG_TLS/nothere:latest not found"* ]]
  # The flag still wins over the file.
  run skiff pull --tls-verify=true "$REG_PLAIN/busybox"
  assert_error 1 "cannot reach registry $REG_PLAIN"
  run skiff __complete login ''
  [ "$output" = "$(printf '%s\n' "$REG_PLAIN" "$REG_TLS" | sort)" ]
}

@test "registries.conf: CONTAINERS_REGISTRIES_CONF, blocked registries, errors naming the file" {
  local conf=$BATS_TEST_TMPDIR/registries.conf
  export CONTAINERS_REGISTRIES_CONF=$conf
  # An entry saying insecure = false refuses plain HTTP, even from a
  # registry on this machine.
  printf '[[registry]]\nlocation = "%s"\ninsecure = false\n' "$REG_PLAIN" > "$conf"
  run skiff pull "$REG_PLAIN/busybox"
  assert_error 1 "cannot reach registry $REG_PLAIN"
  [[ $output == *"mark it insecure in registries.conf"* ]]
  # Version 1 of the format says the same as version 2.
  printf '[registries.insecure]\nregistries = ["%s"]\n[registries.block]\nregistries = ["%s"]\n' \
    "$REG_PLAIN" "$REG_TLS" > "$conf"
  run skiff pull -q "$REG_PLAIN/busybox"
  [ "$status" -eq 0 ]
  [ "$output" = "$REG_PLAIN/busybox:latest" ]
  # push follows the same file.
  skiff tag "$REG_PLAIN/busybox" "$REG_PLAIN/pushed:conf"
  run skiff push -q "$REG_PLAIN/pushed:conf"
  [ "$status" -eq 0 ]
  [ "$output" = "$REG_PLAIN/pushed:conf" ]
  skiff tag "$REG_PLAIN/busybox" "$REG_TLS/pushed:conf"
  run skiff push --cert-dir "$REG_CERTS" "$REG_TLS/pushed:conf"
  assert_error 1 "registry $REG_TLS is blocked in registries.conf"
  run skiff pull --cert-dir "$REG_CERTS" "$REG_TLS/app:1"
  assert_error 1 "registry $REG_TLS is blocked in registries.conf"
  run skiff run --rm --pull always "$REG_TLS/app:1" true
  assert_error 125 "registry $REG_TLS is blocked in registries.conf"
  # Without a search list a short name is Docker's (docker.io/library).
  run skiff run --rm --pull never busybox true
  assert_error 125 "No such image: busybox:latest"
  printf 'unqualified-search-registries = "%s"\n' "$REG_PLAIN" > "$conf"
  run skiff pull busybox
  assert_error 1 "$conf: unqualified-search-registries must be a list of strings"
  printf 'unqualified-search-registries = ["%s"\n' "$REG_PLAIN" > "$conf"
  run skiff run --rm busybox true
  assert_error 125 "$conf: line 1: Error while parsing array: encountered end-of-file"
  rm "$conf"
  run skiff pull busybox
  assert_error 1 "$conf"
}

@test "pull and run on a terminal: a bar per layer redrawn in place, Pull complete at the end" {
  login_tls >/dev/null
  local digest layers out=$BATS_TEST_TMPDIR/tty.out
  read -r digest _ < <(manifest_of app 1)
  layers=$(reg_curl /v2/app/manifests/1 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' |
    jq -r '.layers[].digest | .[7:19]')
  tty_skiff "$out" pull --cert-dir "$REG_CERTS" "$REG_TLS/app:1"
  # Bars with bytes were drawn, by moving the cursor up and down.
  grep -q $'\x1b\\[2K\r[0-9a-f]\\{12\\}: Downloading \\[[=>]' "$out"
  grep -q 'B/[0-9.]*[kM]\?B' "$out"
  grep -q $'\x1b\\[1B' "$out"
  run screen_of < "$out"
  [ "${lines[0]}" = "1: Pulling from app" ]
  [ "${lines[1]}" = "$(sed -n 1p <<<"$layers"): Pull complete" ]
  [ "${lines[2]}" = "$(sed -n 2p <<<"$layers"): Pull complete" ]
  [ "${lines[3]}" = "Digest: $digest" ]
  [ "${lines[4]}" = "Status: Downloaded newer image for $REG_TLS/app:1" ]
  [ "${lines[5]}" = "$REG_TLS/app:1" ]
  [ "${#lines[@]}" -eq 6 ]
  # -q stays silent on a terminal too.
  tty_skiff "$out" pull -q --cert-dir "$REG_CERTS" "$REG_TLS/app:1"
  run screen_of < "$out"
  [ "$output" = "$REG_TLS/app:1" ]
  # run draws the same on stderr; the shared layer already exists.
  tty_skiff "$out" run --rm --cert-dir "$REG_CERTS" "$REG_TLS/app:2" cat /two.txt
  grep -q 'Downloading \[' "$out"
  run screen_of < "$out"
  [ "${lines[0]}" = "Unable to find image '$REG_TLS/app:2' locally" ]
  [ "${lines[1]}" = "2: Pulling from app" ]
  [[ ${lines[2]} == *": Already exists" ]]
  [[ ${lines[3]} == *": Pull complete" ]]
  [ "${lines[-1]}" = "layer two" ]
}

@test "push on a terminal: a bar while a layer uploads, Pushed at the end" {
  login_tls >/dev/null
  local out=$BATS_TEST_TMPDIR/tty.out
  small_layer "$BATS_TEST_TMPDIR/l.tar" bar.txt "pushed with a bar"
  skiff import "$BATS_TEST_TMPDIR/l.tar" "$REG_TLS/pushbar:1" >/dev/null
  tty_skiff "$out" push --cert-dir "$REG_CERTS" "$REG_TLS/pushbar:1"
  grep -q $'\x1b\\[2K\r[0-9a-f]\\{12\\}: Pushing \\[' "$out"
  run screen_of < "$out"
  [ "${lines[0]}" = "The push refers to repository [$REG_TLS/pushbar]" ]
  [[ ${lines[1]} =~ ^[0-9a-f]{12}:\ Pushed$ ]]
  [[ ${lines[2]} == "1: digest: sha256:"*" size: "* ]]
  [ "${#lines[@]}" -eq 3 ]
}
