#!/usr/bin/env bats
# A real-world build: a Debian bookworm base (debootstrap --variant=minbase,
# made once as root by tests/fixtures/make-debian-rootfs and kept in
# /var/cache/skiff-tests, which tests/system/run-all does before the
# passes start), imported with `skiff import`, then apt-get installs a
# package from the Debian mirror, the only outside host a test talks to.
# Rootless, apt's download sandbox (setgroups and seteuid to _apt) runs
# in skiff's user namespace. Skips only when the mirror is unreachable.
# About 10 s a pass once the base exists (debootstrap: about a minute).

load helpers

DEBIAN_TAR=${DEBIAN_TAR:-/var/cache/skiff-tests/debootstrap-bookworm.tar}

setup() {
  CTX=$BATS_TEST_TMPDIR/ctx
  mkdir -p "$CTX"
}

# The base image, made if it is missing and this is root; skips when the
# mirror cannot be reached.
need_debian() {
  local mirror
  mirror=$("$FIXTURES/make-debian-rootfs" --mirror) ||
    skip "the Debian mirror $mirror is unreachable: this test installs a package from it"
  if [ ! -f "$DEBIAN_TAR" ]; then
    rootless && { echo "$DEBIAN_TAR is missing: make it as root with tests/fixtures/make-debian-rootfs" >&2; return 1; }
    "$FIXTURES/make-debian-rootfs" "$DEBIAN_TAR"
  fi
  skiff import "$DEBIAN_TAR" skiff-test/debian:bookworm >/dev/null
}

@test "build: apt-get installs a Debian package in a bookworm image, which runs it" {
  need_debian
  cat > "$CTX/Dockerfile" <<'EOF'
FROM skiff-test/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends hello
CMD ["hello"]
EOF
  run skiff build -t skiff-test/hello "$CTX"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ "$output" == *"Setting up hello ("* ]]
  # apt downloaded as _apt: it warns when it cannot drop to that user.
  [[ "$output" != *unsandboxed* ]]
  run skiff run --rm skiff-test/hello
  [ "$status" -eq 0 ]
  [ "$output" = "Hello, world!" ]
  # What apt made as _apt (uid 42) is that user's in the image.
  run skiff run --rm skiff-test/hello stat -c '%U %u' /var/lib/apt/lists/partial /var/cache/apt/archives/partial
  [ "$output" = "_apt 42
_apt 42" ]
  run skiff run --rm skiff-test/hello dpkg-query -W -f '${Package} ${Status}\n' hello
  [ "$output" = "hello install ok installed" ]
  # A rebuild is the cache's, with no network.
  run skiff build -t skiff-test/hello "$CTX"
  [ "$status" -eq 0 ]
  [ "$(grep -c '^#[0-9]* CACHED$' <<<"$output")" -eq 1 ]
  [[ "$output" != *"Get:"* ]]
}
