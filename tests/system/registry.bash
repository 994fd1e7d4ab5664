# Real registries for the registry tests (load after helpers): Debian's
# docker-registry on 127.0.0.1, once per test file (setup_file and
# teardown_file call start_registries and stop_registries):
#   REG_TLS    host:port of a registry with TLS (a CA made here) and
#              htpasswd auth for REG_USER / REG_PASS
#   REG_PLAIN  host:port of a plain-HTTP registry without auth
#   REG_CERTS  the certs.d directory for REG_TLS (holds ca.crt): given to
#              skiff as --cert-dir and to skopeo as --dest-cert-dir
#   REG_CERTS_D  its parent: a certs.d tree with one directory per host:port
#   REG_TLS_STORAGE  the TLS registry's storage root (tests corrupt blobs)
#   CONTAINERS_REGISTRIES_CONF  a registries.conf marking these registries
#              `insecure = false`: on 127.0.0.1 they would otherwise be
#              insecure by default, as in Docker, and the tests of
#              certificates and of plain HTTP refused would prove nothing.
#              Tests of that default unset it (local_registry_default).
# and, only where a file calls start_token_registry:
#   REG_TOKEN  host:port of a TLS registry with token (Bearer) auth, whose
#              tokens come from tests/system/token-server (TOKEN_DIR)
# Nothing here needs root: the CA is never installed system-wide.

REG_USER=skiffuser
REG_PASS=skiff-secret-pw

# A port nobody listens on right now (bound and released at once; a
# registry that then fails to bind is retried on another).
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A CA and a certificate for 127.0.0.1 signed by it, in directory $1.
make_test_ca() {
  local d=$1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=skiff test CA" -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=127.0.0.1" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
}

# Starts one registry: start_registry NAME [tls|token]; prints its port.
# tls: TLS and htpasswd auth; token: TLS and tokens from $TOKEN_REALM. Its
# config, storage and log live in $REG_DIR/NAME.
start_registry() {
  local name=$1 tls=${2:-} dir=$REG_DIR/$1 port try
  mkdir -p "$dir/storage"
  for try in 1 2 3 4 5; do
    port=$(free_port)
    {
      echo "version: 0.1"
      echo "log: {level: error, accesslog: {disabled: true}}"
      echo "storage: {filesystem: {rootdirectory: $dir/storage}, delete: {enabled: true}}"
      echo "http:"
      echo "  addr: 127.0.0.1:$port"
      if [ -n "$tls" ]; then
        echo "  tls: {certificate: $REG_DIR/server.crt, key: $REG_DIR/server.key}"
      fi
      case $tls in
        tls) echo "auth: {htpasswd: {realm: skiff-test, path: $REG_DIR/htpasswd}}" ;;
        token)
          echo "auth: {token: {realm: \"$TOKEN_REALM\", service: skiff-test-registry,"
          echo "  issuer: skiff-test-issuer, rootcertbundle: $TOKEN_DIR/token.crt}}"
          ;;
      esac
    } > "$dir/config.yml"
    docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
    echo $! > "$dir/pid"
    local i scheme=http
    [ -n "$tls" ] && scheme=https
    for i in $(seq 1 100); do
      if curl -s -o /dev/null --cacert "$REG_DIR/ca.crt" "$scheme://127.0.0.1:$port/v2/"; then
        echo "$port"
        return 0
      fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
      sleep 0.05
    done
    kill "$(cat "$dir/pid")" 2>/dev/null || true
  done
  echo "registry $name did not start: $(cat "$dir/log")" >&2
  return 1
}

start_registries() {
  REG_DIR=$BATS_FILE_TMPDIR/registries
  mkdir -p "$REG_DIR"
  make_test_ca "$REG_DIR"
  htpasswd -Bbn "$REG_USER" "$REG_PASS" > "$REG_DIR/htpasswd"
  local tls_port plain_port
  tls_port=$(start_registry tls tls) || return 1
  plain_port=$(start_registry plain) || return 1
  export REG_DIR REG_USER REG_PASS
  export REG_TLS=127.0.0.1:$tls_port REG_PLAIN=127.0.0.1:$plain_port
  export REG_CERTS_D=$REG_DIR/certs.d
  export REG_CERTS=$REG_CERTS_D/$REG_TLS
  export REG_TLS_STORAGE=$REG_DIR/tls/storage
  export CONTAINERS_REGISTRIES_CONF=$REG_DIR/registries.conf
  printf '[[registry]]\nlocation = "%s"\ninsecure = false\n' "$REG_TLS" "$REG_PLAIN" >"$CONTAINERS_REGISTRIES_CONF"
  mkdir -p "$REG_CERTS"
  cp "$REG_DIR/ca.crt" "$REG_CERTS/ca.crt"
}

# The token service and a registry trusting its tokens (call after
# start_registries): sets REG_TOKEN and TOKEN_DIR, where the service logs
# its requests (see tests/system/token-server) and reads `lifetime`.
start_token_registry() {
  TOKEN_DIR=$REG_DIR/token-server
  mkdir -p "$TOKEN_DIR"
  cp "$REG_DIR/server.crt" "$REG_DIR/server.key" "$TOKEN_DIR/"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=skiff test token issuer" \
    -keyout "$TOKEN_DIR/token.key" -out "$TOKEN_DIR/token.crt" 2>/dev/null
  "$BATS_TEST_DIRNAME/token-server" "$TOKEN_DIR" "$REG_USER" "$REG_PASS" > "$TOKEN_DIR/log" 2>&1 &
  echo $! > "$TOKEN_DIR/pid"
  local i
  for i in $(seq 1 100); do
    [ -f "$TOKEN_DIR/port" ] && break
    kill -0 "$(cat "$TOKEN_DIR/pid")" 2>/dev/null || break
    sleep 0.05
  done
  [ -f "$TOKEN_DIR/port" ] || { echo "token server did not start: $(cat "$TOKEN_DIR/log")" >&2; return 1; }
  TOKEN_REALM=https://127.0.0.1:$(cat "$TOKEN_DIR/port")/token
  local port
  port=$(start_registry token token) || return 1
  export TOKEN_DIR TOKEN_REALM REG_TOKEN=127.0.0.1:$port
  printf '[[registry]]\nlocation = "%s"\ninsecure = false\n' "$REG_TOKEN" >>"$CONTAINERS_REGISTRIES_CONF"
  mkdir -p "$REG_CERTS_D/$REG_TOKEN"
  cp "$REG_DIR/ca.crt" "$REG_CERTS_D/$REG_TOKEN/ca.crt"
}

stop_registries() {
  local p
  for p in "$REG_DIR"/*/pid; do
    [ -f "$p" ] || continue
    kill "$(cat "$p")" 2>/dev/null || true
  done
  # And the static servers of static_server.
  for p in $(cat "$BATS_FILE_TMPDIR/servers" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
}

# A docker-archive of an image made of the given layer tarballs, bottom
# first: docker_archive OUT TAG LAYER.tar... (CMD ["sh"], this machine's
# architecture unless ARCH is set). Built by hand so that no client under
# test makes it.
docker_archive() {
  local out=$1 tag=$2
  shift 2
  local dir
  dir=$(mktemp -d "$BATS_FILE_TMPDIR/archive.XXXXXX")
  local layers=() diffs=() i=0 l
  for l in "$@"; do
    mkdir -p "$dir/$i"
    cp "$l" "$dir/$i/layer.tar"
    layers+=("$i/layer.tar")
    diffs+=("sha256:$(sha256sum "$l" | cut -d' ' -f1)")
    i=$((i + 1))
  done
  local arch=${ARCH:-}
  [ -n "$arch" ] || case $(uname -m) in
    x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;;
  esac
  jq -n --arg arch "$arch" --args '{architecture: $arch, os: "linux",
      created: "2024-01-02T03:04:05Z",
      config: {Cmd: ["sh"], Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},
      rootfs: {type: "layers", diff_ids: $ARGS.positional},
      history: [$ARGS.positional[] | {created: "2024-01-02T03:04:05Z", created_by: "test layer"}]}' \
    "${diffs[@]}" > "$dir/config.json"
  local cfg
  cfg=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$cfg.json"
  jq -n --arg c "$cfg.json" --arg t "$tag" --args \
    '[{Config: $c, RepoTags: [$t], Layers: $ARGS.positional}]' "${layers[@]}" > "$dir/manifest.json"
  tar -C "$dir" -cf "$out" .
  rm -rf "$dir"
}

# A tarball holding one file: small_layer OUT NAME CONTENT.
small_layer() {
  local dir
  dir=$(mktemp -d "$BATS_FILE_TMPDIR/layer.XXXXXX")
  printf '%s\n' "$3" > "$dir/$2"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "$1" "$2"
  rm -rf "$dir"
}

# Copies a docker-archive into a registry with skopeo:
# reg_push ARCHIVE REFERENCE [skopeo copy flags...]. REFERENCE names the TLS
# registry or the token one (with credentials), or the plain one (no TLS).
reg_push() {
  local archive=$1 ref=$2
  shift 2
  local dest=()
  case $ref in
    "$REG_TLS"/*) dest=(--dest-cert-dir "$REG_CERTS" --dest-creds "$REG_USER:$REG_PASS") ;;
    "${REG_TOKEN:-none}"/*) dest=(--dest-cert-dir "$REG_CERTS_D/$REG_TOKEN" --dest-creds "$REG_USER:$REG_PASS") ;;
    *) dest=(--dest-tls-verify=false) ;;
  esac
  # A home of its own: skopeo's blob cache stays out of the user's.
  HOME=$REG_DIR/skopeo-home skopeo --insecure-policy copy --quiet "${dest[@]}" "$@" \
    "docker-archive:$archive" "docker://$ref"
}

# curl against the TLS registry as the test user: reg_curl PATH [curl args].
reg_curl() {
  local path=$1
  shift
  curl -sf --cacert "$REG_CERTS/ca.crt" -u "$REG_USER:$REG_PASS" "$@" "https://$REG_TLS$path"
}

# The screen a terminal would show for output with cursor moves on stdin
# (what pull draws: \r, \n, ESC[nA, ESC[nB, ESC[2K), one line per row,
# without trailing blanks.
screen_of() {
  /usr/bin/python3 -c '
import re, sys
rows, row, col = [[]], 0, 0
for up_down, n, code, nl, cr, text in re.findall(r"(\x1b\[(\d*)([ABK]))|(\n)|(\r)|([^\x1b\r\n]+)", sys.stdin.read()):
    if up_down:
        k = int(n or 1)
        if code == "A": row = max(0, row - k)
        elif code == "B": row += k
        else: rows[row] = []
    elif nl: row += 1
    elif cr: col = 0
    else:
        line = rows[row]
        line[col:col + len(text)] = list(text)
        col += len(text)
    while len(rows) <= row: rows.append([])
print("\n".join("".join(r).rstrip() for r in rows).rstrip("\n"))
'
}

# Runs skiff in a pseudo-terminal 150 columns wide; stdout and stderr both
# go there. tty_skiff OUT ARGS...
tty_skiff() {
  local out=$1 cmd
  shift
  cmd=$(printf '%q ' "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" "$@")
  script -qec "stty cols 150 rows 50; $cmd" /dev/null > "$out"
}

# Gives the test a home and runtime dir of its own, so auth files, certs.d
# directories and Docker's config.json are its own; call from setup().
own_home() {
  export HOME=$BATS_TEST_TMPDIR/home XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
  unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_CONFIG_HOME
  mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
}

# Serves directory $1 on a free port over plain HTTP; prints host:port.
static_server() {
  local dir=$1 port i
  port=$(free_port)
  /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir" >/dev/null 2>&1 &
  echo $! >> "$BATS_FILE_TMPDIR/servers"
  for i in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/v2/" && break
    sleep 0.05
  done
  echo "127.0.0.1:$port"
}
