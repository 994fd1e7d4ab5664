#!/usr/bin/env bats
# skiff build's other inputs and outputs: contexts given as archives
# (stdin or a file), ADD from http(s) URLs (a local server on 127.0.0.1,
# never the internet), -o local and tar, and ONBUILD triggers of a base
# image (run as root and rootless).

load helpers

setup() {
  load_busybox
  CTX=$BATS_TEST_TMPDIR/ctx
  mkdir -p "$CTX"
}

teardown() {
  [ -z "${HTTP_PID:-}" ] || kill "$HTTP_PID" 2>/dev/null || true
  teardown_store
}

dockerfile() { printf '%s\n' "$1" > "$CTX/Dockerfile"; }

# serve DIR: an HTTP server for DIR on an ephemeral port of 127.0.0.1;
# sets HTTP_PID and URL (http://127.0.0.1:PORT).
serve() {
  local log=$BATS_TEST_TMPDIR/http.log
  /usr/bin/python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$log" 2>&1 3>&- &
  HTTP_PID=$!
  wait_for grep -q 'port [0-9]' "$log"
  URL=http://127.0.0.1:$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$log" | head -1)
}

# scratch_left: what the store's scratch space holds after a build.
scratch_left() { ls -A "$BATS_TEST_TMPDIR/root/tmp" 2>/dev/null || true; }

@test "build - < archive: a context as a tar or a compressed tar, its Dockerfile inside" {
  echo from-archive > "$CTX/a.txt"
  dockerfile 'FROM busybox
COPY a.txt /a.txt'
  tar -C "$CTX" -cf "$BATS_TEST_TMPDIR/ctx.tar" .
  for z in gzip bzip2 xz zstd; do
    $z -c "$BATS_TEST_TMPDIR/ctx.tar" > "$BATS_TEST_TMPDIR/ctx.tar.$z"
    run skiff build -t "arch:$z" - < "$BATS_TEST_TMPDIR/ctx.tar.$z"
    [ "$status" -eq 0 ]
    [[ "$output" == *"[internal] load remote build context"* ]]
    run skiff run --rm "arch:$z" cat /a.txt
    [ "$output" = from-archive ]
  done
  run skiff build -t arch:plain - < "$BATS_TEST_TMPDIR/ctx.tar"
  [ "$status" -eq 0 ]
  run skiff run --rm arch:plain cat /a.txt
  [ "$output" = from-archive ]
  # The extracted context is gone with the build.
  [ -z "$(scratch_left)" ]
}

@test "build ctx.tar.gz and -f: an archive file as the context, -f a path inside it" {
  mkdir -p "$CTX/docker"
  echo other > "$CTX/b.txt"
  printf 'FROM busybox\nCOPY b.txt /b.txt\n' > "$CTX/docker/Build.df"
  tar -C "$CTX" -czf "$BATS_TEST_TMPDIR/ctx.tgz" .
  run skiff build -f docker/Build.df -t arch:f "$BATS_TEST_TMPDIR/ctx.tgz"
  [ "$status" -eq 0 ]
  run skiff run --rm arch:f cat /b.txt
  [ "$output" = other ]
  run skiff build -f docker/Build.df -t arch:stdin - < "$BATS_TEST_TMPDIR/ctx.tgz"
  [ "$status" -eq 0 ]
  # No Dockerfile where -f says: BuildKit's words.
  run skiff build - < "$BATS_TEST_TMPDIR/ctx.tgz"
  assert_error 1 "failed to read dockerfile: open Dockerfile: no such file or directory"
  # A file that is no archive is not a context.
  echo 'FROM busybox' > "$BATS_TEST_TMPDIR/plain.txt"
  run skiff build "$BATS_TEST_TMPDIR/plain.txt"
  assert_error 1 "unable to prepare context: context must be a directory or an archive"
  # -f - with the context on stdin too: Docker's refusal.
  run skiff build -f - - < "$BATS_TEST_TMPDIR/ctx.tgz"
  assert_error 125 "can't use stdin for both build context and dockerfile"
  [ -z "$(scratch_left)" ]
}

@test "build - < archive: no entry escapes the context, symlinks resolve inside it" {
  out=$BATS_TEST_TMPDIR/outside
  mkdir -p "$out"
  # A symlink to a host directory, then a file written through it; and a
  # name that climbs out.
  /usr/bin/python3 - "$BATS_TEST_TMPDIR" "$out" <<'PY'
import io, sys, tarfile
tmp, out = sys.argv[1], sys.argv[2]
def add(t, name, data=None, link=None):
    i = tarfile.TarInfo(name)
    if link is not None:
        i.type, i.linkname = tarfile.SYMTYPE, link
        t.addfile(i)
    else:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
with tarfile.open(tmp + "/links.tar", "w") as t:
    add(t, "Dockerfile", b"FROM busybox\nCOPY sub/evil /evil\nCOPY top /top\n")
    add(t, "sub", link=out)
    add(t, "sub/evil", b"inside\n")
    add(t, "top", link="../../../../etc/hostname")
with tarfile.open(tmp + "/climb.tar", "w") as t:
    add(t, "Dockerfile", b"FROM busybox\n")
    add(t, "../climbed", b"x\n")
PY
  run skiff build -t links - < "$BATS_TEST_TMPDIR/links.tar"
  # top resolves inside the context, where nothing is: not the host's /etc/hostname.
  assert_error 1 '"/top": not found'
  [ -z "$(ls -A "$out")" ]
  run skiff build - < "$BATS_TEST_TMPDIR/climb.tar"
  assert_error 1 'invalid build context: "../climbed" is outside of the context'
  [ ! -e "$BATS_TEST_TMPDIR/climbed" ]
  [ ! -e "$BATS_TEST_TMPDIR/root/climbed" ]
  [ -z "$(scratch_left)" ]
}

@test "build: ADD of an http URL is a 0600 file named after the URL, its time Last-Modified" {
  mkdir -p "$BATS_TEST_TMPDIR/www/dir"
  printf 'remote\n' > "$BATS_TEST_TMPDIR/www/dir/file.txt"
  touch -d '2021-03-04 05:06:07 UTC' "$BATS_TEST_TMPDIR/www/dir/file.txt"
  tar -C "$BATS_TEST_TMPDIR/www" -czf "$BATS_TEST_TMPDIR/www/t.tgz" dir
  serve "$BATS_TEST_TMPDIR/www"
  dockerfile "FROM busybox
ADD $URL/dir/file.txt /dl/
ADD $URL/dir/file.txt?x=1 /named.txt
ADD --chmod=644 --chown=1:2 $URL/t.tgz /archive/"
  run skiff build -t urls "$CTX"
  [ "$status" -eq 0 ]
  run skiff run --rm urls sh -c 'cat /dl/file.txt /named.txt; stat -c "%a %u:%g %Y %n" /dl/file.txt /named.txt /archive/t.tgz'
  [ "${lines[0]}" = remote ]
  [ "${lines[1]}" = remote ]
  [ "${lines[2]}" = "600 0:0 1614834367 /dl/file.txt" ]
  [ "${lines[3]}" = "600 0:0 1614834367 /named.txt" ]
  # Remote archives are not unpacked.
  [[ "${lines[4]}" == "644 1:2 "*" /archive/t.tgz" ]]
  run skiff history --no-trunc --format '{{.CreatedBy}}' urls
  [[ "$output" == *"ADD $URL/dir/file.txt /dl/ # buildkit"* ]]
  # Unchanged contents: cached. Changed: downloaded again.
  run skiff build -t urls "$CTX"
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 3 ]
  printf 'changed\n' > "$BATS_TEST_TMPDIR/www/dir/file.txt"
  run skiff build -t urls "$CTX"
  [ "$status" -eq 0 ]
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 0 ]
  run skiff run --rm urls cat /dl/file.txt
  [ "$output" = changed ]
  [ -z "$(scratch_left)" ]
}

@test "build: ADD --checksum verifies the download, and a cached step needs no server" {
  mkdir -p "$BATS_TEST_TMPDIR/www"
  printf 'pinned\n' > "$BATS_TEST_TMPDIR/www/p.txt"
  sum=$(sha "$BATS_TEST_TMPDIR/www/p.txt")
  serve "$BATS_TEST_TMPDIR/www"
  dockerfile "FROM busybox
ADD --checksum=sha256:$sum $URL/p.txt /p.txt"
  run skiff build -t pinned "$CTX"
  [ "$status" -eq 0 ]
  run skiff run --rm pinned cat /p.txt
  [ "$output" = pinned ]
  bad=$(printf '%064d' 0)
  dockerfile "FROM busybox
ADD --checksum=sha256:$bad $URL/p.txt /p.txt"
  run skiff build "$CTX"
  assert_error 1 "digest mismatch for $URL/p.txt: sha256:$sum (expected: sha256:$bad)"
  dockerfile "FROM busybox
ADD --checksum=sha256:$sum $URL/missing.txt /m.txt"
  run skiff build "$CTX"
  assert_error 1 "invalid response status 404"
  # With the checksum known, the cache answers without the server.
  kill "$HTTP_PID"; wait "$HTTP_PID" 2>/dev/null || true; HTTP_PID=
  dockerfile "FROM busybox
ADD --checksum=sha256:$sum $URL/p.txt /p.txt"
  run skiff build -t pinned2 "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *CACHED* ]]
  [ "$(skiff images -q pinned2)" = "$(skiff images -q pinned)" ]
  [ -z "$(scratch_left)" ]
}

@test "build: URL sources that are refused, in BuildKit's words" {
  dockerfile 'FROM busybox
COPY http://127.0.0.1:1/x /x'
  run skiff build "$CTX"
  assert_error 1 "source can't be a URL for COPY"
  dockerfile 'FROM busybox
ADD https://example.invalid/repo.git /src'
  run skiff build "$CTX"
  assert_error 1 "ADD of a git repository is not supported by this skiff"
  echo a > "$CTX/a"
  dockerfile 'FROM busybox
ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 a /a'
  run skiff build "$CTX"
  assert_error 1 "checksum can't be specified for non-HTTP(S) sources"
  dockerfile 'FROM busybox
ADD --checksum=md5:00 http://127.0.0.1:1/x /x'
  run skiff build "$CTX"
  assert_error 1 "unsupported digest algorithm"
}

@test "build -o: the final stage's files in a directory or a tar, no image unless tagged" {
  echo out > "$CTX/o.txt"
  dockerfile 'FROM busybox AS base
RUN echo stage > /stage.txt
FROM scratch
COPY --from=base /stage.txt /
COPY o.txt /sub/'
  run skiff build -o "$BATS_TEST_TMPDIR/dir" "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *"exporting to client directory"* ]]
  [ "$(cat "$BATS_TEST_TMPDIR/dir/stage.txt")" = stage ]
  [ "$(cat "$BATS_TEST_TMPDIR/dir/sub/o.txt")" = out ]
  # busybox alone: no image was recorded.
  [ "$(skiff images -qa | wc -l)" -eq 1 ]
  run skiff build -o type=tar,dest="$BATS_TEST_TMPDIR/out.tar" "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *"exporting to client tarball"* ]]
  [ "$(tar -tf "$BATS_TEST_TMPDIR/out.tar" | sort | tr '\n' ' ')" = "stage.txt sub/ sub/o.txt " ]
  # To stdout: the tar alone there, the progress on stderr.
  skiff build -q -o - "$CTX" > "$BATS_TEST_TMPDIR/stdout.tar"
  [ "$(tar -xOf "$BATS_TEST_TMPDIR/stdout.tar" sub/o.txt)" = out ]
  run skiff build -o type=local,dest="$BATS_TEST_TMPDIR/dir2" -t exported "$CTX"
  [ "$status" -eq 0 ]
  [ -f "$BATS_TEST_TMPDIR/dir2/stage.txt" ]
  [ -n "$(skiff images -q exported)" ]
  run skiff build -o type=registry "$CTX"
  assert_error 125 'output type "registry" is not supported'
  run skiff build -o type=local "$CTX"
  assert_error 125 "output directory is required for local exporter"
}

@test "build: ONBUILD triggers of the base image run first, and are cleared" {
  mkdir -p "$CTX/base"
  printf 'FROM busybox\nONBUILD COPY app.txt /app.txt\nONBUILD RUN echo triggered | tee /t.txt\n' > "$CTX/base/Dockerfile"
  run skiff build -t onb:base "$CTX/base"
  [ "$status" -eq 0 ]
  run skiff image inspect onb:base --format '{{json .Config.OnBuild}}'
  [ "$output" = '["COPY app.txt /app.txt","RUN echo triggered | tee /t.txt"]' ]
  echo child-app > "$CTX/app.txt"
  dockerfile 'FROM onb:base
RUN cat /app.txt /t.txt > /both.txt'
  run skiff build -t onb:child "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *"[2/4] COPY app.txt /app.txt"* ]]
  run skiff run --rm onb:child cat /both.txt
  [ "$output" = "child-app
triggered" ]
  run skiff image inspect onb:child --format '{{json .Config.OnBuild}}'
  [ "$output" = null ]
}

@test "build --add-host: RUN steps see the names in /etc/hosts" {
  dockerfile 'FROM busybox
RUN grep -E "myhost|v6host" /etc/hosts > /hosts.txt'
  run skiff build --add-host myhost:10.1.2.3 --add-host 'v6host=[fd00::1]' -t hosts "$CTX"
  [ "$status" -eq 0 ]
  run skiff run --rm hosts cat /hosts.txt
  [ "$output" = "10.1.2.3	myhost
fd00::1	v6host" ]
  # Another mapping is another step, not the cached one.
  run skiff build --add-host myhost:10.9.9.9 -t hosts2 "$CTX"
  [[ "$output" != *CACHED* ]]
  run skiff run --rm hosts2 cat /hosts.txt
  [ "$output" = "10.9.9.9	myhost" ]
  # With the host's network: the host's hosts file, then the names.
  run skiff build --network host --add-host myhost:10.7.7.7 -t hosts3 "$CTX"
  [ "$status" -eq 0 ]
  run skiff run --rm hosts3 cat /hosts.txt
  [ "$output" = "10.7.7.7	myhost" ]
  run skiff build --add-host nocolon "$CTX"
  assert_error 125 'invalid argument "nocolon" for "--add-host" flag: bad format for add-host: "nocolon"'
  run skiff build --add-host h:999.1.1.1 "$CTX"
  assert_error 125 'invalid IP address in add-host: "999.1.1.1"'
}

@test "build - < archive: a build killed while extracting leaves scratch the next one sweeps" {
  head -c 1M /dev/urandom > "$CTX/big.bin"
  dockerfile 'FROM busybox
COPY big.bin /'
  tar -C "$CTX" -cf "$BATS_TEST_TMPDIR/ctx.tar" .
  fifo=$BATS_TEST_TMPDIR/fifo
  mkfifo "$fifo"
  # The binary itself, not the helper function, so that $! is its PID.
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" build - < "$fifo" >/dev/null 2>&1 3>&- &
  pid=$!
  # Half the archive, then the writer holds the pipe open.
  exec 5>"$fifo"
  head -c 512K "$BATS_TEST_TMPDIR/ctx.tar" >&5
  wait_for test -n "$(scratch_left)"
  kill -9 "$pid"
  wait "$pid" || true
  exec 5>&-
  [ -n "$(scratch_left)" ]
  run skiff build -t swept - < "$BATS_TEST_TMPDIR/ctx.tar"
  [ "$status" -eq 0 ]
  [ -z "$(scratch_left)" ]
}
