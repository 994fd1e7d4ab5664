#!/usr/bin/env bats
# Image references as Docker checks them before anything happens: a
# repository path longer than 255 characters (through tag, load, import,
# pull) and a name that is no reference at all (run, create) are refused
# with Docker's words and exit codes, and nothing changes.

load helpers

GEN=$BATS_TEST_DIRNAME/archive-gen

# A repository name of n characters: "a" repeated.
name_of() { printf 'a%.0s' $(seq 1 "$1"); }

# What the store holds: names with IDs, and the layers.
store_state() {
  skiff images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' | sort
  ls -A "$BATS_TEST_TMPDIR/root/layers" | sort
}

@test "tag: a repository path over 255 characters is refused, nothing changes" {
  load_busybox
  local before
  before=$(store_state)
  # Docker Hub's names count with their "library/" (8 characters).
  run skiff tag busybox "$(name_of 248):1"
  assert_error 1 "repository name must not be more than 255 characters"
  [ "${#lines[@]}" -eq 1 ]
  [ "$(store_state)" = "$before" ]
  run skiff tag busybox "localhost:5000/$(name_of 256)"
  assert_error 1 "repository name must not be more than 255 characters"
  [ "$(store_state)" = "$before" ]
  # At the limit it is a name like any other.
  run skiff tag busybox "$(name_of 247):1"
  [ "$status" -eq 0 ]
  run skiff tag busybox "localhost:5000/$(name_of 255)"
  [ "$status" -eq 0 ]
  run skiff images --format '{{.Repository}}'
  [[ "$output" == *"localhost:5000/$(name_of 255)"* ]]
  [[ "$output" == *$'\n'"$(name_of 247)"* || "$output" == "$(name_of 247)"* ]]
}

@test "import: a repository path over 255 characters is refused before anything is stored" {
  run skiff import "$(busybox_tar)" "$(name_of 300)"
  assert_error 1 "repository name must not be more than 255 characters"
  [ "${#lines[@]}" -eq 1 ]
  [ -z "$(skiff images -q)" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root/layers")" ]
}

@test "load: a repository path over 255 characters is refused before anything is stored" {
  local long
  long=$(name_of 256)
  "$GEN" make "$BATS_TEST_TMPDIR/a.tar" docker --set "manifest:0.RepoTags=[\"$long:1\"]"
  run skiff load -i "$BATS_TEST_TMPDIR/a.tar"
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: manifest.json: [0].RepoTags[0]: repository name must not be more than 255 characters" ]
  "$GEN" make "$BATS_TEST_TMPDIR/o.tar" oci \
    --set "index:manifests.0.annotations={\"io.containerd.image.name\":\"localhost/$long:1\"}"
  run skiff load -i "$BATS_TEST_TMPDIR/o.tar"
  assert_error 1 'index.json: manifests[0].annotations["io.containerd.image.name"]: repository name must not be more than 255 characters'
  [ -z "$(skiff images -q)" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root/layers")" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root/blobs/sha256")" ]
}

@test "pull: a repository path over 255 characters is refused before the registry is asked" {
  # Nothing listens there: the name is refused first.
  run skiff pull --tls-verify=false "127.0.0.1:9/$(name_of 256)"
  assert_error 1 "repository name must not be more than 255 characters"
  [ "${#lines[@]}" -eq 1 ]
  [ -z "$(skiff images -q)" ]
}

# distribution/reference's words, as Docker prints them; run exits 125,
# create 1 (docker/cli parses the name after the flags).
@test "run and create: a name that is no reference is an invalid reference format, run exit 125, create 1" {
  load_busybox
  for bad in 'busybox::' 'a b' '-x'; do
    run skiff run -- "$bad"
    [ "$status" -eq 125 ] || { echo "run $bad: exit $status: $output"; false; }
    [ "$output" = "skiff: invalid reference format" ] || { echo "run $bad: $output"; false; }
    run skiff create -- "$bad"
    [ "$status" -eq 1 ] || { echo "create $bad: exit $status: $output"; false; }
    [ "$output" = "skiff: invalid reference format" ] || { echo "create $bad: $output"; false; }
  done
  run skiff run Upper
  [ "$status" -eq 125 ]
  [ "$output" = "skiff: invalid reference format: repository name (library/Upper) must be lowercase" ]
  run skiff create 'INVALID::ref'
  [ "$status" -eq 1 ]
  [ "$output" = "skiff: invalid reference format: repository name (library/INVALID) must be lowercase" ]
  run skiff create --pull never "$(name_of 256)"
  assert_error 1 "repository name must not be more than 255 characters"
  [ -z "$(skiff ps -aq)" ]
  # A name that is a reference but not here is still not found.
  run skiff run --pull never nothere
  assert_error 125 "No such image: nothere:latest"
}

@test "rmi, tag and image inspect of a name that is no reference say so" {
  load_busybox
  run skiff rmi 'INVALID::ref'
  assert_error 1 'invalid reference format: repository name (library/INVALID) must be lowercase'
  # docker/cli's client.ImageTag words it so, for either name.
  run skiff tag 'INVALID::ref' new:1
  [ "$status" -eq 1 ]
  [ "$output" = 'skiff: Error parsing reference: "INVALID::ref" is not a valid repository/tag: invalid reference format: repository name (library/INVALID) must be lowercase' ]
  run skiff image inspect 'INVALID::ref'
  assert_error 1 'invalid reference format: repository name (library/INVALID) must be lowercase'
  # inspect looks for any kind of object: none is called that.
  run skiff inspect 'INVALID::ref'
  assert_error 1 "No such object: INVALID::ref"
  [ "$(skiff images -q | wc -l)" -eq 1 ]
}
