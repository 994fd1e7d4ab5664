# podman as an independent client (load after helpers), with its state in
# the test's directory: runc (crun refuses this machine's hybrid cgroups),
# cgroupfs, file events, ulimits under the hard limit, vfs storage (what
# rootless podman picks here anyway). A test using it calls podman_cleanup
# from its teardown.

podman_t() {
  local p=$BATS_TEST_TMPDIR/podman
  mkdir -p "$p/home" "$p/xdg"
  chmod 0700 "$p/xdg"
  [ -f "$p/containers.conf" ] || cat > "$p/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  env HOME="$p/home" XDG_RUNTIME_DIR="$p/xdg" XDG_CONFIG_HOME="$p/home/.config" \
    XDG_DATA_HOME="$p/home/.local/share" TMPDIR="$p" CONTAINERS_CONF="$p/containers.conf" \
    podman --root "$p/root" --runroot "$p/run" --runtime /usr/sbin/runc --storage-driver vfs "$@"
}

need_podman() {
  command -v podman >/dev/null && [ -x /usr/sbin/runc ] || skip "podman is not installed (packages podman, runc)"
}

need_skopeo() { command -v skopeo >/dev/null || skip "skopeo is not installed (package skopeo)"; }

podman_cleanup() {
  local p=$BATS_TEST_TMPDIR/podman
  [ -d "$p" ] || return 0
  podman_t rmi -a -f >/dev/null 2>&1 || true
  podman_t unshare rm -rf "$p/root" >/dev/null 2>&1 || true
  # A rootless podman leaves its pause process behind: ended by its pid.
  if [ -f "$p/xdg/libpod/tmp/pause.pid" ]; then
    kill -9 "$(cat "$p/xdg/libpod/tmp/pause.pid")" 2>/dev/null || true
  fi
  rm -rf "$p" 2>/dev/null || true
}
