#!/usr/bin/env bats
# skiff build: RUN --mount (cache, bind, tmpfs, secret) and --secret, as
# BuildKit runs them; nothing a mount holds reaches the image (run as
# root and rootless).

load helpers

setup() {
  load_busybox
  CTX=$BATS_TEST_TMPDIR/ctx
  mkdir -p "$CTX"
}

dockerfile() { printf '%s\n' "$1" > "$CTX/Dockerfile"; }

# layer_files IMAGE: every path in the image's layers but the first
# (busybox's), from `skiff save`.
layer_files() {
  local dir=$BATS_TEST_TMPDIR/saved
  rm -rf "$dir" && mkdir -p "$dir"
  skiff save "$1" | tar -x -C "$dir"
  for l in $(jq -r '.[0].Layers[1:][]' "$dir/manifest.json"); do tar -tf "$dir/$l"; done
}

@test "build mounts: a cache mount persists between builds and stays out of the image" {
  dockerfile 'FROM busybox
RUN --mount=type=cache,target=/var/cache/app sh -c "ls /var/cache/app; echo run >> /var/cache/app/log; wc -l < /var/cache/app/log; echo made > /built"'
  run skiff build --progress=plain -t one "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ 1$'\n' ]]
  # A second build (the step itself not cached) sees the first's file.
  run skiff build --no-cache --progress=plain -t two "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ log$'\n' ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ 2$'\n' ]]
  run skiff run --rm two sh -c 'cat /built; ls -A /var/cache/app 2>&1; ls -d /var/cache 2>&1'
  [ "$output" = "made
ls: /var/cache/app: No such file or directory
ls: /var/cache: No such file or directory" ]
  # No mount point is left in the layer either.
  run layer_files two
  [[ "$output" == *built* ]]
  [[ "$output" != *var/cache* ]]
  # builder prune takes the cache mount: the next build starts empty.
  run skiff builder prune -a -f
  [ "$status" -eq 0 ]
  run skiff build --no-cache --progress=plain "$CTX"
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ 1$'\n' ]]
}

@test "build mounts: sharing=locked runs one step at a time, id= shares a cache between targets" {
  dockerfile 'FROM busybox
ARG N
RUN --mount=type=cache,id=shared,target=/c,sharing=locked sh -c "if [ -e /c/busy ]; then echo CLASH; fi; touch /c/busy; sleep 1; rm /c/busy; echo $N >> /c/who"
RUN --mount=type=cache,id=shared,target=/other,sharing=locked sort /other/who'
  skiff build -q --build-arg N=a "$CTX" > "$BATS_TEST_TMPDIR/a.out" 2>&1 &
  skiff build -q --build-arg N=b "$CTX" > "$BATS_TEST_TMPDIR/b.out" 2>&1 &
  wait
  run cat "$BATS_TEST_TMPDIR/a.out" "$BATS_TEST_TMPDIR/b.out"
  [[ "$output" != *CLASH* ]]
  run skiff build --no-cache --progress=plain --build-arg N=c "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *" a"$'\n'*" b"$'\n'*" c"$'\n'* ]]
}

@test "build mounts: a cache mount's owner and mode" {
  dockerfile 'FROM busybox
RUN --mount=type=cache,target=/c,uid=1234,gid=99,mode=0700 stat -c "%u %g %a" /c'
  run skiff build --progress=plain "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *" 1234 99 700"* ]]
}

@test "build mounts: bind from the context is read-only, rw writes are discarded, .dockerignore holds" {
  mkdir -p "$CTX/src"
  echo one > "$CTX/src/a.txt"
  echo hidden > "$CTX/src/secret.key"
  echo '*/secret.key' > "$CTX/.dockerignore"
  dockerfile 'FROM busybox
RUN --mount=source=src,target=/src sh -c "cat /src/a.txt; ls /src; touch /src/x 2>&1 | sed s/.*x:.//"
RUN --mount=type=bind,source=src,target=/w,rw sh -c "echo changed > /w/a.txt; cat /w/a.txt; cp /w/a.txt /kept"'
  run skiff build --progress=plain -t bound "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ one$'\n' ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ a.txt$'\n' ]]
  [[ "$output" != *secret.key* ]]
  [[ "$output" == *"Read-only file system"* ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ changed$'\n' ]]
  # The context is as it was; the image has what the step wrote elsewhere.
  [ "$(cat "$CTX/src/a.txt")" = one ]
  [ "$(ls "$CTX/src")" = "a.txt
secret.key" ]
  [ "$(skiff run --rm bound sh -c 'cat /kept; ls /src /w 2>&1 | wc -l')" = "changed
2" ]
  # The bound content is in the cache key: a change reruns the step.
  run skiff build --progress=plain "$CTX"
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 2 ]
  echo two > "$CTX/src/a.txt"
  run skiff build --progress=plain "$CTX"
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 0 ]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ two$'\n' ]]
}

@test "build mounts: bind from a stage and from an image" {
  dockerfile 'FROM busybox AS tools
RUN mkdir /out && echo built > /out/tool && chown 7:8 /out/tool
FROM busybox
RUN --mount=from=tools,source=/out,target=/t sh -c "cat /t/tool; stat -c %u:%g /t/tool; cat /t/tool > /copied"
RUN --mount=from=busybox,target=/img ls /img/bin/busybox'
  run skiff build --progress=plain -t fromstage "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ built$'\n' ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ 7:8$'\n' ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ /img/bin/busybox$'\n' ]]
  [ "$(skiff run --rm fromstage sh -c 'cat /copied; ls /t /img 2>&1 | wc -l')" = "built
2" ]
}

@test "build mounts: tmpfs" {
  dockerfile 'FROM busybox
RUN --mount=type=tmpfs,target=/scratch,size=2m sh -c "grep \" /scratch \" /proc/mounts; echo x > /scratch/f; echo done > /done"'
  run skiff build --progress=plain -t tmp "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" == *"tmpfs /scratch tmpfs rw,nosuid,"*"size=2048k"* ]]
  run layer_files tmp
  [[ "$output" == *done* ]]
  [[ "$output" != *scratch* ]]
}

@test "build mounts: secrets from a file and a variable reach the step, never the image" {
  printf 'file-s3cret' > "$BATS_TEST_TMPDIR/token"
  dockerfile 'FROM busybox
RUN --mount=type=secret,id=tok sh -c "cat /run/secrets/tok; echo; stat -c %a /run/secrets/tok"
RUN --mount=type=secret,id=api,env=API_KEY,target=/etc/api,mode=0440,uid=5 sh -c "echo \$API_KEY; stat -c \"%a %u\" /etc/api; touch /ran"
RUN --mount=type=secret,id=absent sh -c "ls /run/secrets 2>&1; echo optional skipped"'
  API_SRC=env-s3cret run skiff build --progress=plain -t sec \
    --secret id=tok,src="$BATS_TEST_TMPDIR/token" --secret id=api,env=API_SRC "$CTX"
  [ "$status" -eq 0 ]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ file-s3cret$'\n' ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ 400$'\n' ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ env-s3cret$'\n' ]]
  [[ "$output" =~ \#[0-9]+\ [0-9.]+\ 440\ 5$'\n' ]]
  [[ "$output" == *"optional skipped"* ]]
  # Neither the image, its history nor the store keeps them.
  skiff save -o "$BATS_TEST_TMPDIR/sec.tar" sec
  run grep -a -c s3cret "$BATS_TEST_TMPDIR/sec.tar"
  [ "$output" = 0 ]
  run skiff history --no-trunc sec
  [[ "$output" != *s3cret* ]]
  run grep -r -l s3cret "$BATS_TEST_TMPDIR/root" "$BATS_TEST_TMPDIR/run"
  [ "$status" -ne 0 ]
  run layer_files sec
  [[ "$output" == *ran* ]]
  [[ "$output" != *run/secrets* ]]
  [[ "$output" != *etc/api* ]]
  # A secret's content is not in the key: another value, the same cache.
  printf 'other' > "$BATS_TEST_TMPDIR/token"
  API_SRC=x run skiff build --progress=plain --secret id=tok,src="$BATS_TEST_TMPDIR/token" --secret id=api,env=API_SRC "$CTX"
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 3 ]
}

@test "build mounts: a missing required secret fails in BuildKit's words" {
  dockerfile 'FROM busybox
RUN echo first
RUN --mount=type=secret,id=needed,required cat /run/secrets/needed'
  run skiff build "$CTX"
  [ "$status" -ne 0 ]
  [[ "$output" == *"skiff: failed to solve: secret needed: not found"* ]]
  run skiff build --secret id=nothere,src="$BATS_TEST_TMPDIR/none" "$CTX"
  [ "$status" -ne 0 ]
  [[ "$output" == *"skiff: failed to stat $BATS_TEST_TMPDIR/none"* ]]
  run skiff build --secret src=/x "$CTX"
  [[ "$output" == *"skiff: secret missing ID"* ]]
}

@test "build mounts: a bad --mount fails before any step runs" {
  dockerfile 'FROM busybox AS other
RUN echo other-ran
FROM busybox
RUN echo first-ran
RUN --mount=type=cache,taget=/c true'
  run skiff build --progress=plain "$CTX"
  [ "$status" -ne 0 ]
  [[ "$output" == *"skiff: Dockerfile:5: RUN --mount=type=cache,taget=/c true: unexpected key 'taget' in 'taget=/c' (did you mean target?)"* ]]
  [[ "$output" != *first-ran* ]]
  dockerfile 'FROM busybox
RUN echo first-ran
RUN --mount=type=ssh true'
  run skiff build "$CTX"
  [ "$status" -ne 0 ]
  [[ "$output" == *"RUN --mount=type=ssh is not supported: skiff build forwards no SSH agent"* ]]
  [[ "$output" != *first-ran* ]]
  dockerfile 'FROM busybox
RUN --mount=type=tmpfs,target=/t,mode=0700 true'
  run skiff build "$CTX"
  [[ "$output" == *"mode not allowed for \"tmpfs\" type mounts"* ]]
}
