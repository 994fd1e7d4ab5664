#!/usr/bin/env bats
# Bearer tokens: Debian's docker-registry with `auth: token`, its tokens
# issued by tests/system/token-server (started by registry.bash), which logs
# every token request to $TOKEN_DIR/requests as "ACCOUNT SCOPE GRANTED".
# Credentials give any access; anyone may pull public/*.

load helpers
load registry

setup_file() {
  start_registries
  start_token_registry
  local d=$BATS_FILE_TMPDIR
  busybox_tar >/dev/null
  small_layer "$d/one.tar" one.txt "layer one"
  small_layer "$d/two.tar" two.txt "layer two"
  docker_archive "$d/busybox.tar" busybox:latest "$(busybox_tar)"
  docker_archive "$d/app1.tar" app:1 "$(busybox_tar)" "$d/one.tar"
  docker_archive "$d/app2.tar" app:2 "$(busybox_tar)" "$d/two.tar"
  reg_push "$d/busybox.tar" "$REG_TOKEN/private/busybox:latest"
  reg_push "$d/busybox.tar" "$REG_TOKEN/public/busybox:latest"
  reg_push "$d/app1.tar" "$REG_TOKEN/private/app:1"
  reg_push "$d/app2.tar" "$REG_TOKEN/private/app:2"
}

teardown_file() {
  stop_registries
}

setup() {
  own_home
  : > "$TOKEN_DIR/requests"
  rm -f "$TOKEN_DIR/lifetime"
}

certs() { echo "$REG_CERTS_D/$REG_TOKEN"; }

token_requests() { cat "$TOKEN_DIR/requests"; }

@test "token auth: login asks for a token with the credentials; a wrong password is refused" {
  run skiff login --cert-dir "$(certs)" -u "$REG_USER" --password-stdin "$REG_TOKEN" <<<"wrong"
  assert_error 1 "logging in to $REG_TOKEN: unauthorized: incorrect username or password"
  [ "${#lines[@]}" -eq 1 ]
  [ ! -e "$XDG_RUNTIME_DIR/containers/auth.json" ]
  # A refused password gets no token, so nothing is logged.
  [ -z "$(token_requests)" ]
  run skiff login --cert-dir "$(certs)" -u "$REG_USER" --password-stdin "$REG_TOKEN" <<<"$REG_PASS"
  [ "$status" -eq 0 ]
  [ "$output" = "Login Succeeded" ]
  [ "$(token_requests)" = "$REG_USER - -" ]
}

@test "token auth: pull with credentials goes through one Bearer token" {
  printf %s "$REG_PASS" | skiff login --cert-dir "$(certs)" -u "$REG_USER" --password-stdin "$REG_TOKEN" >/dev/null
  : > "$TOKEN_DIR/requests"
  run skiff pull --cert-dir "$(certs)" "$REG_TOKEN/private/busybox"
  [ "$status" -eq 0 ]
  [ "${lines[-2]}" = "Status: Downloaded newer image for $REG_TOKEN/private/busybox:latest" ]
  # Manifest, config and layer all go with the first token.
  [ "$(token_requests)" = "$REG_USER repository:private/busybox:pull pull" ]
  run skiff run --rm "$REG_TOKEN/private/busybox" echo bearer
  [ "$output" = bearer ]
}

@test "token auth: anonymous tokens pull public repositories; private ones ask for a login" {
  run skiff pull -q --cert-dir "$(certs)" "$REG_TOKEN/public/busybox"
  [ "$status" -eq 0 ]
  [ "$output" = "$REG_TOKEN/public/busybox:latest" ]
  [ "$(token_requests)" = "- repository:public/busybox:pull pull" ]
  run skiff run --rm "$REG_TOKEN/public/busybox" echo anonymous
  [ "$output" = anonymous ]

  : > "$TOKEN_DIR/requests"
  run skiff pull --cert-dir "$(certs)" "$REG_TOKEN/private/busybox"
  assert_error 1 "authentication required: log in first with skiff login $REG_TOKEN"
  # A token without access is refused; one more is asked for, then no more.
  [ "$(token_requests)" = "$(printf -- '- repository:private/busybox:pull -\n%.0s' 1 2)" ]
  run skiff images -q
  [ "$output" = "$(skiff images -q "$REG_TOKEN/public/busybox")" ]
}

@test "token auth: a token that expires between requests is replaced, the pull goes on" {
  printf %s "$REG_PASS" | skiff login --cert-dir "$(certs)" -u "$REG_USER" --password-stdin "$REG_TOKEN" >/dev/null
  : > "$TOKEN_DIR/requests"
  local lifetime=3
  echo $lifetime > "$TOKEN_DIR/lifetime"
  # pull --all-tags records tag 1 before it asks for tag 2; holding the
  # image index lock in between makes that gap outlast the first token.
  local t=$BATS_TEST_TMPDIR
  skiff images >/dev/null
  # (Given up after ~30 s, so a failing test cannot hang.)
  flock "$t/root/images.lock" sh -c "touch $t/held; i=0
    while [ ! -e $t/release ] && [ \$i -lt 600 ]; do sleep 0.05; i=\$((i + 1)); done" &
  local holder=$!
  wait_for test -e "$t/held"
  skiff pull --cert-dir "$(certs)" -a "$REG_TOKEN/private/app" > "$t/out" 2>&1 &
  local pid=$!
  wait_for test -s "$TOKEN_DIR/requests" || true
  sleep $((lifetime + 1))
  # The first tag was fetched with the first token; the pull now waits.
  local tokens_then pulls_then
  tokens_then=$(token_requests | wc -l)
  pulls_then=$(grep -c ': Pulling from private/app' "$t/out") || true
  touch "$t/release"
  wait $holder
  wait $pid || { cat "$t/out"; return 1; }
  [ "$tokens_then" -eq 1 ]
  [ "$pulls_then" -eq 1 ]
  [ "$(token_requests)" = "$(printf "$REG_USER repository:private/app:pull pull\n%.0s" 1 2)" ]
  [ "$(grep -c ': Pulling from private/app' "$t/out")" -eq 2 ]
  run skiff run --rm "$REG_TOKEN/private/app:2" cat /two.txt
  [ "$output" = "layer two" ]
  run skiff images --format '{{.Repository}}:{{.Tag}}'
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "$REG_TOKEN/private/app:1 $REG_TOKEN/private/app:2 " ]
}

@test "token auth: push asks for pull,push (and pull where it mounts from); anonymous push is refused" {
  skiff pull -q --cert-dir "$(certs)" "$REG_TOKEN/public/busybox" >/dev/null
  skiff tag "$REG_TOKEN/public/busybox" "$REG_TOKEN/private/pushed:1"
  : > "$TOKEN_DIR/requests"
  run skiff push --cert-dir "$(certs)" "$REG_TOKEN/private/pushed:1"
  assert_error 1 "authentication required"
  grep -q '^- repository:private/pushed:pull,push' "$TOKEN_DIR/requests"

  printf %s "$REG_PASS" | skiff login --cert-dir "$(certs)" -u "$REG_USER" --password-stdin "$REG_TOKEN" >/dev/null
  : > "$TOKEN_DIR/requests"
  run skiff push --cert-dir "$(certs)" "$REG_TOKEN/private/pushed:1"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  # The layer pulled from public/busybox is mounted from there.
  [[ $output == *": Mounted from public/busybox"* ]]
  grep -q "^$REG_USER repository:private/pushed:pull,push repository:public/busybox:pull pull,push,pull$" \
    "$TOKEN_DIR/requests"
  local id
  id=$(skiff image inspect --format '{{.Id}}' "$REG_TOKEN/private/pushed:1")
  skiff rmi "$REG_TOKEN/private/pushed:1" "$REG_TOKEN/public/busybox" >/dev/null
  run skiff pull -q --cert-dir "$(certs)" "$REG_TOKEN/private/pushed:1"
  [ "$status" -eq 0 ]
  [ "$(skiff image inspect --format '{{.Id}}' "$REG_TOKEN/private/pushed:1")" = "$id" ]
}
