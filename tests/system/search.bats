#!/usr/bin/env bats
# search against real registries (registry.bash: Debian's docker-registry
# with TLS and htpasswd, and a plain-HTTP one), whose catalogs skiff
# filters by the term, and against static HTTP servers standing in for a
# registry with a /v1/search API (Docker Hub's) and one with neither.

bats_require_minimum_version 1.5.0

load helpers
load registry

setup_file() {
  start_registries
  local d=$BATS_FILE_TMPDIR
  busybox_tar >/dev/null
  docker_archive "$d/busybox.tar" busybox:latest "$(busybox_tar)"
  local r
  for r in busybox app team/app apple; do
    reg_push "$d/busybox.tar" "$REG_TLS/$r:latest"
  done
  reg_push "$d/busybox.tar" "$REG_PLAIN/busybox:latest"
  # A registry with Docker Hub's search API (a static answer, whatever the
  # query), and one with neither a search API nor a catalog.
  mkdir -p "$d/hub/v2" "$d/hub/v1" "$d/none/v2"
  echo '{}' > "$d/hub/v2/index.html"
  echo '{}' > "$d/none/v2/index.html"
  cat > "$d/hub/v1/search" <<'JSON'
{"num_results": 3, "query": "x", "results": [
  {"name": "library/official", "description": "An official image whose description is longer than forty-five characters", "star_count": 120, "is_official": true},
  {"name": "someone/tool", "description": "two\nlines", "star_count": 7, "is_official": false},
  {"name": "nobody/zero", "description": "", "star_count": 0, "is_official": false}]}
JSON
  export HUB=$(static_server "$d/hub") NONE=$(static_server "$d/none")
}

teardown_file() {
  stop_registries
}

setup() {
  own_home
}

login_tls() {
  printf %s "$REG_PASS" | skiff login --cert-dir "$REG_CERTS" -u "$REG_USER" --password-stdin "$REG_TLS" >/dev/null
}

@test "search: a registry's catalog filtered by the term, in docker search's columns" {
  run skiff search --cert-dir "$REG_CERTS" "$REG_TLS/app"
  assert_error 1 "listing the catalog of $REG_TLS: authentication required: log in first with skiff login $REG_TLS"
  login_tls
  run skiff search --cert-dir "$REG_CERTS" "$REG_TLS/app"
  [ "$status" -eq 0 ]
  [ "$(tr -s ' ' <<<"${lines[0]}")" = "NAME DESCRIPTION STARS OFFICIAL" ]
  # The exact match first, then the catalog's order.
  [ "$(awk 'NR > 1 { print $1 " " $2 }' <<<"$output")" = "$(printf '%s\n' "$REG_TLS/app 0" "$REG_TLS/apple 0" "$REG_TLS/team/app 0")" ]
  run skiff search --cert-dir "$REG_CERTS" --format '{{.Name}}' "$REG_TLS/"
  [ "$output" = "$(printf "$REG_TLS/%s\n" app apple busybox team/app)" ]
  run skiff search --cert-dir "$REG_CERTS" --limit 1 --format '{{.Name}}' "$REG_TLS/app"
  [ "$output" = "$REG_TLS/app" ]
  run skiff search --cert-dir "$REG_CERTS" --format json "$REG_TLS/busy"
  [ "$output" = "{\"Description\":\"\",\"IsOfficial\":\"false\",\"Name\":\"$REG_TLS/busybox\",\"StarCount\":\"0\"}" ]
  run skiff search --cert-dir "$REG_CERTS" --format '{{.Name}}' "$REG_TLS/nothing-like-it"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run skiff search --tls-verify=false --format '{{.Name}}' "$REG_PLAIN/bus"
  [ "$output" = "$REG_PLAIN/busybox" ]
  run skiff search --format '{{.Name}}' "$REG_PLAIN/bus"
  assert_error 1 "cannot reach registry $REG_PLAIN"
}

@test "search: a /v1/search API, Docker's truncation and filters" {
  run skiff search --tls-verify=false "$HUB/x"
  [ "$status" -eq 0 ]
  [ "$(tr -s ' ' <<<"${lines[0]}")" = "NAME DESCRIPTION STARS OFFICIAL" ]
  [ "$(tr -s ' ' <<<"${lines[1]}")" = "$HUB/library/official An official image whose description is longe… 120 [OK]" ]
  [ "$(tr -s ' ' <<<"${lines[2]}")" = "$HUB/someone/tool two lines 7 " ]
  [ "$(tr -s ' ' <<<"${lines[3]}")" = "$HUB/nobody/zero 0 " ]
  [ "${#lines[@]}" -eq 4 ]
  run skiff search --tls-verify=false --no-trunc --format '{{.Description}}|{{.StarCount}}|{{.IsOfficial}}' "$HUB/x"
  [ "${lines[0]}" = "An official image whose description is longer than forty-five characters|120|[OK]" ]
  [ "${lines[2]}" = "|0|" ]
  # docker/cli's searchContext answers "true"/"false" once {{json .}}
  # marshalled it, as --format json does.
  run skiff search --tls-verify=false --format '{{json .}}' "$HUB/x"
  [ "$(jq -r .IsOfficial <<<"${lines[0]}")|$(jq -r .IsOfficial <<<"${lines[1]}")" = "true|false" ]
  run skiff search --tls-verify=false --format 'table {{json .}}|{{.IsOfficial}}' "$HUB/x"
  [ "${lines[0]##*|}|${lines[1]##*|}" = "true|false" ]
  run skiff search --tls-verify=false --filter is-official=true --format '{{.Name}}' "$HUB/x"
  [ "$output" = "$HUB/library/official" ]
  run skiff search --tls-verify=false --filter stars=5 --filter stars=1 --format '{{.Name}}' "$HUB/x"
  [ "$output" = "$(printf '%s\n' "$HUB/library/official" "$HUB/someone/tool")" ]
  run skiff search --tls-verify=false --filter is-official=false --format '{{.Name}}' "$HUB/x"
  [ "${#lines[@]}" -eq 2 ]
}

@test "search: a registry with neither a search API nor a catalog, bad flags" {
  run skiff search --tls-verify=false "$NONE/x"
  assert_error 1 "$NONE cannot be searched: it serves neither a search API (/v1/search) nor a catalog (/v2/_catalog)"
  [ "${#lines[@]}" -eq 1 ]
  run skiff search --limit 101 x
  assert_error 1 "limit 101 is outside the range of [1, 100]"
  run skiff search --limit -1 x
  assert_error 1 "limit -1 is outside the range of [1, 100]"
  run skiff search --limit many x
  assert_error 1 "invalid argument \"many\" for \"--limit\" flag"
  run skiff search --filter is-automated=true x
  assert_error 1 "invalid filter 'is-automated'"
  run skiff search https://example.com/x
  assert_error 1 "invalid repository name: repository name (https://example.com/x) should not have a scheme"
}

@test "search: a short term searches the registries.conf search list" {
  export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
  printf 'unqualified-search-registries = ["%s", "%s"]\n[[registry]]\nlocation = "%s"\ninsecure = true\n[[registry]]\nlocation = "%s"\ninsecure = false\n' \
    "$REG_PLAIN" "$REG_TLS" "$REG_PLAIN" "$REG_TLS" > "$CONTAINERS_REGISTRIES_CONF"
  # The TLS registry cannot be searched (its CA is unknown): a warning, and
  # the plain one's results.
  run --separate-stderr skiff search --format '{{.Name}}' busy
  [ "$status" -eq 0 ]
  [ "$output" = "$REG_PLAIN/busybox" ]
  [[ $stderr == "WARNING: cannot reach registry $REG_TLS"* ]]
  mkdir -p "$HOME/.config/containers/certs.d/$REG_TLS"
  cp "$REG_CERTS/ca.crt" "$HOME/.config/containers/certs.d/$REG_TLS/"
  login_tls
  run --separate-stderr skiff search --format '{{.Name}}' busy
  [ "$output" = "$(printf '%s\n' "$REG_PLAIN/busybox" "$REG_TLS/busybox")" ]
  [ -z "$stderr" ]
}
