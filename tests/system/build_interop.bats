#!/usr/bin/env bats
# What skiff builds, other tools read: an image built with RUN and COPY
# layers, ENV, WORKDIR, CMD and a RUN that changes an owner is pushed to a
# plain-HTTP registry on 127.0.0.1 (registry.bash), where skopeo finds its
# layers and config and podman pulls and runs it (root and rootless).

load helpers
load registry
load podman

setup_file() {
  start_registries
}

teardown_file() {
  stop_registries
}

setup() {
  own_home
  load_busybox
  CTX=$BATS_TEST_TMPDIR/ctx
  mkdir -p "$CTX"
}

teardown() {
  podman_cleanup
  teardown_store
}

# The image: busybox, then a COPY layer and a RUN layer.
build_app() {
  printf 'copied by COPY\n' > "$CTX/data.txt"
  cat > "$CTX/Dockerfile" <<'EOF'
FROM busybox
ENV GREETING="hello from a skiff build" APP_DIR=/x
COPY data.txt /x/data.txt
RUN chown 1000:1000 /x && echo "made by RUN" > /x/run.txt && chown 1000:1000 /x/run.txt
WORKDIR /x
CMD ["sh", "-c", "echo \"$GREETING\"; cat data.txt run.txt; stat -c '%u:%g %n' /x /x/run.txt /x/data.txt"]
EOF
  skiff build -q -t "$1" "$CTX"
}

@test "interop: podman pulls and runs what skiff builds and pushes; skopeo sees its layers and config" {
  need_podman
  need_skopeo
  local ref=$REG_PLAIN/interop/built:1 id
  id=$(build_app "$ref")
  [[ "$id" == sha256:* ]]
  run skiff push --tls-verify=false "$ref"
  [ "$status" -eq 0 ] || { echo "$output"; false; }

  # The registry holds the three layers (busybox, COPY, RUN) and the config
  # skiff recorded: skopeo reads them without skiff.
  local layers
  layers=$(skiff image inspect --format '{{json .RootFS.Layers}}' "$ref")
  [ "$(jq length <<<"$layers")" -eq 3 ]
  run env HOME="$REG_DIR/skopeo-home" skopeo inspect --tls-verify=false "docker://$ref"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  jq -e '(.Layers | length) == 3 and .Os == "linux" and
      (.Env | index("GREETING=hello from a skiff build")) != null' <<<"$output" >/dev/null
  run env HOME="$REG_DIR/skopeo-home" skopeo inspect --config --tls-verify=false "docker://$ref"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  jq -e --argjson l "$layers" '.rootfs.diff_ids == $l and .config.WorkingDir == "/x" and
      .config.Cmd[0] == "sh" and (.config.Env | index("APP_DIR=/x")) != null and
      ([.history[] | select(.empty_layer | not) | .created_by // ""] | length == 3 and
        (.[1] | startswith("COPY data.txt /x/data.txt")) and
        (.[2] | startswith("RUN /bin/sh -c chown 1000:1000 /x")))' <<<"$output" >/dev/null ||
    { echo "$output"; false; }
  # The config blob is the image: its digest is skiff's image ID.
  run env HOME="$REG_DIR/skopeo-home" skopeo inspect --raw --tls-verify=false "docker://$ref"
  [ "$(jq -r .config.digest <<<"$output")" = "$id" ]

  run podman_t pull -q --tls-verify=false "$ref"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(podman_t image inspect --format '{{.Id}}' "$ref")" = "${id#sha256:}" ]
  run podman_t run --rm --network none "$ref"
  if [ "$status" -ne 0 ] && rootless; then
    skip "rootless podman cannot run containers here: $output"
  fi
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "hello from a skiff build
copied by COPY
made by RUN
1000:1000 /x
1000:1000 /x/run.txt
0:0 /x/data.txt" ]
  # podman reads ENV and WORKDIR from the config as well.
  run podman_t run --rm --network none "$ref" sh -c 'pwd; echo "$APP_DIR"'
  [ "$output" = "/x
/x" ]
}
