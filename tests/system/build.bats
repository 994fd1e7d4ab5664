#!/usr/bin/env bats
# skiff build: Dockerfiles as BuildKit reads them, RUN through the
# engine's containers, COPY from the context, the layer cache, and the
# image a build records (run as root and rootless).

load helpers

setup() {
  load_busybox
  CTX=$BATS_TEST_TMPDIR/ctx
  mkdir -p "$CTX"
}

# dockerfile TEXT: the context's Dockerfile.
dockerfile() { printf '%s\n' "$1" > "$CTX/Dockerfile"; }

@test "build: a Dockerfile's instructions make an image that runs" {
  echo hello > "$CTX/a.txt"
  mkdir -p "$CTX/sub"
  echo inner > "$CTX/sub/s.txt"
  dockerfile 'FROM busybox
ARG GREETING=hi
ENV APP=/app
WORKDIR $APP
COPY a.txt ./
COPY sub/ ./sub/
RUN echo "$GREETING from RUN" && cat a.txt sub/s.txt > b.txt
LABEL org.test.one=1 "org.test.two"="two words"
EXPOSE 8080 53/udp
CMD ["cat", "b.txt"]'
  run skiff build -t app:1 "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *"#1 [internal] load build definition from Dockerfile"* ]]
  [[ "$output" == *"[1/5] FROM docker.io/library/busybox:latest"* ]]
  [[ "$output" == *"[5/5] RUN echo \"\$GREETING from RUN\""* ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ hi\ from\ RUN ]]
  [[ "$output" == *"naming to docker.io/library/app:1 done"* ]]
  run skiff run --rm app:1
  [ "$status" -eq 0 ]
  [ "$output" = "hello
inner" ]
  run skiff image inspect app:1 --format '{{json .Config.Env}} {{.Config.WorkingDir}} {{json .Config.Labels}} {{json .Config.ExposedPorts}}'
  [ "$output" = '["APP=/app"] /app {"org.test.one":"1","org.test.two":"two words"} {"53/udp":{},"8080/tcp":{}}' ]
  # ARG values reach RUN, never the image.
  run skiff run --rm app:1 env
  [[ "$output" != *GREETING* ]]
}

@test "build: an unchanged rebuild is all cached and gives the same image ID" {
  echo one > "$CTX/copied.txt"
  dockerfile 'FROM busybox
COPY copied.txt /c.txt
RUN cat /c.txt > /d.txt
RUN echo done'
  id1=$(skiff build -q "$CTX")
  [[ "$id1" == sha256:* ]]
  run skiff build "$CTX"
  [ "$status" -eq 0 ]
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 3 ]
  [[ "$output" == *"writing image $id1 done"* ]]
  # A file no instruction copies changes nothing.
  echo x > "$CTX/unrelated.txt"
  [ "$(skiff build -q "$CTX")" = "$id1" ]
  # Only mtime: the content is the key.
  touch -d '2001-01-01' "$CTX/copied.txt"
  [ "$(skiff build -q "$CTX")" = "$id1" ]
  # A copied file changed: its COPY and what follows run again.
  echo two > "$CTX/copied.txt"
  run skiff build "$CTX"
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 0 ]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ done ]]
  [ "$(skiff run --rm "$(skiff build -q "$CTX")" cat /d.txt)" = two ]
}

@test "build: --no-cache runs every step" {
  dockerfile 'FROM busybox
RUN echo ran'
  skiff build -q "$CTX" >/dev/null
  run skiff build --no-cache --progress=plain "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" != *CACHED* ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ ran ]]
}

@test "build: a changed build arg reruns the RUN steps that see it" {
  dockerfile 'FROM busybox
ARG V=1
RUN echo "v=$V" > /v'
  skiff build -q -t v "$CTX" >/dev/null
  run skiff build --build-arg V=2 -t v "$CTX"
  [[ "$output" != *CACHED* ]]
  [ "$(skiff run --rm v cat /v)" = "v=2" ]
  V=3 skiff build --build-arg V -t v "$CTX" 2>/dev/null
  [ "$(skiff run --rm v cat /v)" = "v=3" ]
  run skiff history --format '{{.CreatedBy}}' --no-trunc v
  [[ "${lines[0]}" == 'RUN |1 V=3 /bin/sh -c echo "v=$V" > /v # buildkit' ]]
}

@test "build: multi-stage with --target builds only the stages it needs" {
  echo src > "$CTX/src.txt"
  dockerfile 'FROM busybox AS base
RUN echo base > /base.txt

FROM base AS build
COPY src.txt /src.txt
RUN cat /base.txt /src.txt > /out.txt

FROM busybox AS broken
RUN exit 7

FROM busybox
COPY --from=build /out.txt /final.txt
COPY --from=busybox /bin/busybox /copied-busybox
CMD ["cat", "/final.txt"]'
  run skiff build -t ms "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" != *"exit 7"* ]]
  [[ "$output" == *"[base 2/2] RUN echo base > /base.txt"* ]]
  [ "$(skiff run --rm ms)" = "base
src" ]
  [ "$(skiff run --rm ms ls /copied-busybox)" = /copied-busybox ]
  run skiff build --target build -t ms-build "$CTX"
  [ "$status" -eq 0 ]
  [ "$(skiff run --rm ms-build cat /out.txt)" = "base
src" ]
  run skiff build --target broken "$CTX"
  [ "$status" -ne 0 ]
  [[ "$output" == *'did not complete successfully: exit code: 7'* ]]
  run skiff build --target nope "$CTX"
  [ "$status" -eq 1 ]
  [ "${lines[-1]}" = 'skiff: failed to solve: target stage "nope" could not be found' ]
}

@test "build: heredocs run as scripts and become files, with --chmod" {
  dockerfile 'FROM busybox
RUN <<EOF
echo one > /one
echo two > /two
EOF
COPY --chmod=755 <<'"'"'EOF'"'"' /usr/local/bin/hello
#!/bin/sh
echo "hello $1"
EOF
ARG WHO=world
COPY <<EOF /greeting
hi $WHO
EOF
RUN <<EOF
#!/bin/sh
echo shebang > /three
EOF'
  run skiff build -t hd "$CTX"
  [ "$status" -eq 0 ]
  [ "$(skiff run --rm hd cat /one /two /three /greeting)" = "one
two
shebang
hi world" ]
  [ "$(skiff run --rm hd hello you)" = "hello you" ]
  [ "$(skiff run --rm hd stat -c %a /usr/local/bin/hello)" = 755 ]
}

@test "build: USER and COPY --chown by name, WORKDIR owned by the user" {
  echo data > "$CTX/f"
  dockerfile 'FROM busybox
COPY --chown=user:staff f /owned
USER user
WORKDIR /home/user/work
RUN id -u > uid && touch mine
USER root'
  run skiff build -t own "$CTX"
  [ "$status" -eq 0 ]
  [ "$(skiff run --rm own stat -c '%u:%g' /owned /home/user/work /home/user/work/mine)" = "1000:50
1000:1000
1000:1000" ]
  [ "$(skiff run --rm own cat /home/user/work/uid)" = 1000 ]
  dockerfile 'FROM busybox
COPY --chown=nosuchuser f /x'
  run skiff build "$CTX"
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuchuser"* ]]
}

@test "build: ENTRYPOINT and CMD as Docker combines them" {
  dockerfile 'FROM busybox
CMD ["echo", "from-cmd"]
ENTRYPOINT ["echo", "ep"]'
  skiff build -q -t ep1 "$CTX" >/dev/null
  # An ENTRYPOINT after CMD in the same stage keeps that CMD.
  [ "$(skiff run --rm ep1)" = "ep echo from-cmd" ]
  dockerfile 'FROM ep1
ENTRYPOINT echo shell-form'
  skiff build -q -t ep2 "$CTX" >/dev/null
  # A new ENTRYPOINT drops the CMD the base image had.
  run skiff image inspect ep2 --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}'
  [ "$output" = '["/bin/sh","-c","echo shell-form"] null' ]
  [ "$(skiff run --rm ep2 ignored)" = shell-form ]
}

@test "build: .dockerignore leaves files out, with ! exceptions" {
  mkdir -p "$CTX/logs" "$CTX/src"
  echo a > "$CTX/logs/a.log"
  echo keep > "$CTX/logs/keep.log"
  echo code > "$CTX/src/main.c"
  echo secret > "$CTX/secret.env"
  printf 'logs/*.log\n!logs/keep.log\n*.env\n' > "$CTX/.dockerignore"
  dockerfile 'FROM busybox
COPY . /ctx/'
  skiff build -q -t ign "$CTX" >/dev/null
  run skiff run --rm ign find /ctx -type f
  [ "$(sort <<<"$output")" = "/ctx/.dockerignore
/ctx/Dockerfile
/ctx/logs/keep.log
/ctx/src/main.c" ]
  dockerfile 'FROM busybox
COPY secret.env /'
  run skiff build "$CTX"
  [ "$status" -ne 0 ]
  [[ "$output" == *"secret.env"*"not found"* ]]
}

@test "build: HEALTHCHECK, STOPSIGNAL, VOLUME, SHELL and ONBUILD land in the image config" {
  dockerfile 'FROM busybox
HEALTHCHECK --interval=5s --timeout=2s --retries=4 CMD wget -q -O- http://localhost/ || exit 1
STOPSIGNAL SIGQUIT
VOLUME /data
SHELL ["/bin/sh", "-ec"]
RUN echo shell > /shell.txt
ONBUILD RUN echo triggered
MAINTAINER someone@example.org'
  run skiff build -t meta "$CTX"
  [ "$status" -eq 0 ]
  run skiff image inspect meta --format '{{json .Config.Healthcheck}}|{{.Config.StopSignal}}|{{json .Config.Volumes}}|{{json .Config.OnBuild}}|{{.Author}}'
  [ "$output" = '{"Test":["CMD-SHELL","wget -q -O- http://localhost/ || exit 1"],"Interval":5000000000,"Timeout":2000000000,"Retries":4}|SIGQUIT|{"/data":{}}|["RUN echo triggered"]|someone@example.org' ]
  run skiff history --no-trunc --format '{{.CreatedBy}}' meta
  [[ "$output" == *'RUN /bin/sh -ec echo shell > /shell.txt # buildkit'* ]]
  dockerfile 'FROM busybox
HEALTHCHECK NONE'
  skiff build -q -t nohc "$CTX" >/dev/null
  [ "$(skiff image inspect nohc --format '{{json .Config.Healthcheck.Test}}')" = '["NONE"]' ]
}

@test "build: a failing RUN names the step and its exit code and records nothing" {
  dockerfile 'FROM busybox
RUN echo before
RUN echo to-stderr >&2; exit 3'
  before=$(skiff images -q | wc -l)
  run skiff build -t failing "$CTX"
  [ "$status" -eq 1 ]
  [[ "$output" == *"to-stderr"* ]]
  [[ "$output" == *'ERROR: failed to solve: process "/bin/sh -c echo to-stderr >&2; exit 3" did not complete successfully: exit code: 3'* ]]
  [ "${lines[-1]}" = 'skiff: failed to solve: process "/bin/sh -c echo to-stderr >&2; exit 3" did not complete successfully: exit code: 3' ]
  # Where it is in the file, as BuildKit shows it.
  [[ "$output" == *'Dockerfile:3
--------------------
   1 |     FROM busybox
   2 |     RUN echo before
   3 | >>> RUN echo to-stderr >&2; exit 3
--------------------'* ]]
  [ "$(skiff images -q | wc -l)" -eq "$before" ]
  run skiff image inspect failing
  [ "$status" -ne 0 ]
  # No step container is left behind.
  [ -z "$(skiff ps -aq)" ]
}

@test "build: a malformed Dockerfile fails before any step runs, naming file and line" {
  dockerfile 'FROM busybox
RUN touch /ran
FROBNICATE now'
  run skiff build "$CTX"
  [ "$status" -eq 1 ]
  [[ "$output" == *"skiff: Dockerfile:3: unknown instruction: FROBNICATE"* ]]
  [[ "$output" == *"   3 | >>> FROBNICATE now"* ]]
  # No step ran: the file shows only in where the error is.
  [[ "$output" != *"] RUN touch"* ]]
  printf 'FROM busybox\nCOPY --nope=1 a /b\n' > "$CTX/Other.dockerfile"
  run skiff build -f "$CTX/Other.dockerfile" "$CTX"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Other.dockerfile:2: unknown flag: --nope"* ]]
  run skiff build "$BATS_TEST_TMPDIR/nowhere"
  [ "$status" -eq 1 ]
  [[ "$output" == *'path'*'nowhere'*'not found'* ]]
}

@test "build: -q, --iidfile, --label, -f - and a Dockerfile on stdin" {
  dockerfile 'FROM busybox
RUN echo q'
  run skiff build -q --iidfile "$BATS_TEST_TMPDIR/iid" --label built.by=test -t labelled "$CTX"
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat "$BATS_TEST_TMPDIR/iid")" ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  [ "$(skiff image inspect labelled --format '{{index .Config.Labels "built.by"}}')" = test ]
  id=$(printf 'FROM busybox\nENV FROM_STDIN=1\n' | skiff build -q -)
  [ "$(skiff image inspect "$id" --format '{{json .Config.Env}}')" = '["FROM_STDIN=1"]' ]
  echo ctxfile > "$CTX/c"
  id=$(printf 'FROM busybox\nCOPY c /c\n' | skiff build -q -f - "$CTX")
  [ "$(skiff run --rm "$id" cat /c)" = ctxfile ]
  run skiff build -q - <<<'FROM busybox
COPY c /c'
  [ "$status" -ne 0 ]
}

@test "build: Containerfile is the default when there is no Dockerfile" {
  printf 'FROM busybox\nENV FILE=containerfile\n' > "$CTX/Containerfile"
  id=$(skiff build -q "$CTX")
  [ "$(skiff image inspect "$id" --format '{{json .Config.Env}}')" = '["FILE=containerfile"]' ]
}

@test "builder prune: removes the cache, and what only it kept" {
  dockerfile 'FROM busybox
RUN echo cached > /f'
  skiff build -q -t kept "$CTX" >/dev/null
  printf 'FROM busybox\nRUN echo other > /g\n' | skiff build -q - >/dev/null
  skiff rmi -f "$(skiff images -q --filter dangling=true)" >/dev/null 2>&1 || true
  # Without -a, the steps of a stored image stay.
  run skiff builder prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted build cache objects:" ]
  [ "${#lines[@]}" -eq 3 ]
  [[ "${lines[2]}" == "Total reclaimed space: "* ]]
  run skiff build kept "$CTX"
  run skiff build "$CTX"
  [[ "$output" == *CACHED* ]]
  run skiff builder prune -a -f --filter until=1h
  [ "$output" = "Total reclaimed space: 0B" ]
  run skiff builder prune -a -f
  [ "${lines[0]}" = "Deleted build cache objects:" ]
  run skiff build "$CTX"
  [[ "$output" != *CACHED* ]]
  run skiff builder prune --filter label=x -f
  [ "$status" -eq 1 ]
  [[ "$output" == *"invalid filter 'label=x'"* ]]
}

@test "build: a RUN step's layer holds its changes alone, with in-container owners and whiteouts" {
  dockerfile 'FROM busybox
RUN touch /x && rm /bin/ls && mkdir -p /d/e && chown 1000:1000 /d/e'
  skiff build -q -t layer "$CTX" >/dev/null
  skiff save -o "$BATS_TEST_TMPDIR/layer.tar" layer
  mkdir "$BATS_TEST_TMPDIR/out"
  tar -xf "$BATS_TEST_TMPDIR/layer.tar" -C "$BATS_TEST_TMPDIR/out"
  top=$(jq -r '.[0].Layers[-1]' "$BATS_TEST_TMPDIR/out/manifest.json")
  run tar --numeric-owner -tvf "$BATS_TEST_TMPDIR/out/$top"
  [ "$(awk '{print $2, $6}' <<<"$output")" = "0/0 bin/
0/0 bin/.wh.ls
0/0 d/
1000/1000 d/e/
0/0 x" ]
}

@test "build: independent stages build at the same time" {
  dockerfile 'FROM busybox AS a
RUN sleep 2; echo a > /a

FROM busybox AS b
RUN sleep 2; echo b > /b

FROM busybox
COPY --from=a /a /a
COPY --from=b /b /b
RUN cat /a /b'
  run skiff build -t par "$CTX"
  [ "$status" -eq 0 ]
  # Both stages' RUN steps start before either is done.
  a=$(grep -n '\[a 2/2\] RUN' <<<"$output" | cut -d: -f1)
  b=$(grep -n '\[b 2/2\] RUN' <<<"$output" | cut -d: -f1)
  na=$(sed -n "${a}p" <<<"$output" | cut -d' ' -f1)
  nb=$(sed -n "${b}p" <<<"$output" | cut -d' ' -f1)
  first_done=$(grep -n -E "^($na|$nb) DONE" <<<"$output" | head -1 | cut -d: -f1)
  [ "$a" -lt "$first_done" ]
  [ "$b" -lt "$first_done" ]
  [ "$(grep -c 'load metadata for docker.io/library/busybox:latest' <<<"$output")" -eq 1 ]
  [ "$(skiff run --rm par cat /a /b)" = "a
b" ]
}

@test "build: Ctrl-C stops the build and leaves no step container; a killed build's container goes with the next" {
  # The step line shows 'st""arted': only the step's output matches.
  dockerfile 'FROM busybox
RUN echo st""arted; sleep 60'
  # The binary itself, not the skiff function: $! must be its pid.
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" build "$CTX" \
    > "$BATS_TEST_TMPDIR/out" 2>&1 &
  pid=$!
  wait_for grep -q started "$BATS_TEST_TMPDIR/out"
  # bash runs background jobs with SIGINT ignored: TERM takes the same path.
  kill -TERM $pid
  rc=0
  wait $pid || rc=$?
  [ "$rc" -eq 1 ]
  grep -q 'ERROR: failed to solve: Canceled: context canceled' "$BATS_TEST_TMPDIR/out"
  [ -z "$(skiff ps -aq)" ]
  "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" build "$CTX" \
    > "$BATS_TEST_TMPDIR/out2" 2>&1 &
  pid=$!
  wait_for grep -q started "$BATS_TEST_TMPDIR/out2"
  kill -9 $pid
  wait $pid || true
  [ -n "$(skiff ps -aq)" ]
  printf 'FROM busybox\nENV N=1\n' | skiff build -q - >/dev/null
  [ -z "$(skiff ps -aq)" ]
}

@test "build: completion offers the Dockerfile's stage names and build args" {
  dockerfile 'ARG BASE=busybox
FROM $BASE AS builder
ARG VERSION
FROM busybox AS final'
  printf 'FROM busybox AS other\nARG OTHER_ARG=1\n' > "$CTX/Other.dockerfile"
  run skiff __complete build "$CTX" --target ""
  [ "$output" = "builder
final" ]
  run skiff __complete build "$CTX" --build-arg ""
  [ "$output" = "BASE=
VERSION=" ]
  run skiff __complete build -f "$CTX/Other.dockerfile" --target ""
  [ "$output" = other ]
  cd "$CTX"
  run skiff __complete build --build-arg V
  [ "$output" = "VERSION=" ]
}

@test "build: FROM --platform of this machine, the platform args, RUN --security" {
  dockerfile 'FROM --platform=$BUILDPLATFORM busybox AS b
ARG TARGETARCH
ARG BUILDPLATFORM
RUN echo "$TARGETARCH $BUILDPLATFORM" > /p
RUN --security=sandbox true'
  skiff build -q -t plat "$CTX" >/dev/null
  arch=$(skiff version --format '{{.Server.Arch}}')
  [ "$(skiff run --rm plat cat /p)" = "$arch linux/$arch" ]
  dockerfile 'FROM --platform=linux/s390x busybox'
  run skiff build "$CTX"
  [ "$status" -eq 1 ]
  [[ "${lines[-1]}" == "skiff: Dockerfile:1: this skiff builds for linux/$arch only, not linux/s390x" ]]
  dockerfile 'FROM busybox
RUN --security=insecure true'
  run skiff build "$CTX"
  [ "$status" -eq 1 ]
  [[ "${lines[-1]}" == *"granting entitlement security.insecure is not allowed"* ]]
}

@test "build: COPY --link makes a layer independent of its base, restacked when the base changes" {
  echo linked > "$CTX/f"
  dockerfile 'FROM busybox
COPY --link f /opt/deep/f'
  skiff build -q -t link1 "$CTX" >/dev/null
  dockerfile 'FROM busybox
RUN mkdir -p /opt && chmod 700 /opt
COPY --link f /opt/deep/f'
  run skiff build -t link2 "$CTX"
  [ "$status" -eq 0 ]
  # The same diff over another base: the layer was not written again.
  top() { skiff image inspect "$1" --format '{{json .RootFS.Layers}}' | jq -r '.[-1]'; }
  [ "$(top link1)" = "$(top link2)" ]
  [ "$(skiff run --rm link2 cat /opt/deep/f)" = linked ]
  # Written over nothing: the parents are made as BuildKit makes them.
  skiff save -o "$BATS_TEST_TMPDIR/l.tar" link1
  mkdir "$BATS_TEST_TMPDIR/l"
  tar -xf "$BATS_TEST_TMPDIR/l.tar" -C "$BATS_TEST_TMPDIR/l"
  run tar --numeric-owner -tvf "$BATS_TEST_TMPDIR/l/$(jq -r '.[0].Layers[-1]' "$BATS_TEST_TMPDIR/l/manifest.json")"
  [ "$(awk '{print $1, $2, $6}' <<<"$output")" = "drwxr-xr-x 0/0 opt/
drwxr-xr-x 0/0 opt/deep/
-rw-r--r-- 0/0 opt/deep/f" ]
}
