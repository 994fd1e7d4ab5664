#!/usr/bin/env bats
# The man pages and shell completions, checked against the binary itself:
# every command its help lists has a page documenting every flag its --help
# shows (and no other), every flag value completes, and the completion
# scripts get their candidates from `skiff __complete`.
#
# MAN_DIR and COMPLETIONS_DIR locate man/ and completions/ when the suite
# runs from a copy of tests/ and build/ only; tests needing them are skipped
# when they are absent.

load helpers

MAN_DIR=${MAN_DIR:-$BATS_TEST_DIRNAME/../../man}
COMPLETIONS_DIR=${COMPLETIONS_DIR:-$BATS_TEST_DIRNAME/../../completions}

need_man() {
  [ -f "$MAN_DIR/skiff.1" ] || skip "no man pages in $MAN_DIR (set MAN_DIR to the man/ directory)"
}

need_completions() {
  [ -d "$COMPLETIONS_DIR" ] || skip "no completion scripts in $COMPLETIONS_DIR (set COMPLETIONS_DIR)"
}

# First words of the lines under a heading ("Commands:") of a help text on
# stdin, up to the next blank line.
listed() {
  awk -v h="$1:" '$0 == h { on = 1; next } on && NF == 0 { exit } on { print $1 }'
}

top_commands() { skiff --help | listed Commands; }
groups() { skiff --help | listed "Management Commands"; }
group_commands() { skiff "$1" --help | listed Commands; }

# Every way --help lists a command: "run", "volume create", "container ls".
listed_commands() {
  local g
  top_commands
  for g in $(groups); do
    group_commands "$g" | sed "s/^/$g /"
  done
}

# The command's own name, from the Usage line of its help: "ps" for
# "container ls", "volume create" for itself.
usage_name() {
  skiff "$@" --help | awk '/^Usage:/ {
    n = ""
    for (i = 3; i <= NF && i <= 4 && $i ~ /^[a-z]+$/; i++) n = n (n == "" ? "" : " ") $i
    print n
    exit
  }'
}

# Every command once, by its own name.
all_commands() {
  local words
  listed_commands | while read -r words; do usage_name $words; done | sort -u
}

# The flags of a help text ("skiff WORDS --help"), one per line as
# "SHORT LONG KIND": SHORT is - when there is none, KIND value or boolean.
help_flags() {
  # A value that may be left out shows as --name[=kind].
  local line re='^ +(-([A-Za-z0-9]), )?--([a-z0-9-]+)( ([a-z]+)|\[=([a-z]+)\])?  '
  skiff "$@" --help | awk '/^Options:/ { on = 1; next } on && NF == 0 { exit } on' |
    while IFS= read -r line; do
      [[ $line =~ $re ]] || continue
      echo "${BASH_REMATCH[2]:--} ${BASH_REMATCH[3]} $([ -n "${BASH_REMATCH[5]}${BASH_REMATCH[6]}" ] && echo value || echo boolean)"
    done
}

page_of() { echo "$MAN_DIR/skiff-${1// /-}.1"; }

# A section of a page's roff source, without font escapes and with \- as -.
man_section() {
  awk -v sec="$2" '/^\.SH/ { on = ($2 == sec); next } on' "$1" |
    sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g'
}

# The tag lines (the line after each .TP) of a section of a page, OPTIONS
# unless given.
option_tags() {
  man_section "$1" "${2:-OPTIONS}" | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }'
}

# Succeeds if the page's OPTIONS has a tag for the flag ("-d, --detach" or
# "--cap-add list").
documents_flag() {
  local page=$1 short=$2 long=$3
  if [ "$short" = - ]; then
    option_tags "$page" | grep -Eq -- "^--$long( |\[|\$)"
  else
    option_tags "$page" | grep -Eq -- "^-$short, --$long( |\[|\$)"
  fi
}

@test "docs: every command and management command has a man page" {
  need_man
  local missing=() name
  [ -n "$(top_commands)" ]
  [ -n "$(groups)" ]
  for name in $(top_commands) $(groups); do
    [ -f "$(page_of "$name")" ] || missing+=("$(page_of "$name")")
    # skiff(1) refers to it.
    man_section "$MAN_DIR/skiff.1" "SEE" | grep -qF "skiff-$name (1)" || missing+=("skiff.1: SEE ALSO skiff-$name")
  done
  [ ${#missing[@]} -eq 0 ] || { printf 'missing: %s\n' "${missing[@]}"; return 1; }
}

@test "docs: every subcommand of a management command has a page and is listed on the group's page" {
  need_man
  local missing=() g s name
  for g in $(groups); do
    [ -n "$(group_commands "$g")" ]
    for s in $(group_commands "$g"); do
      name=$(usage_name "$g" "$s")
      [ -n "$name" ] || { missing+=("no usage for '$g $s'"); continue; }
      [ -f "$(page_of "$name")" ] || missing+=("$(page_of "$name") (for '$g $s')")
      option_tags "$(page_of "$g")" COMMANDS | grep -Eq "^\.BR? (.*[^a-z-])?$s([^a-z-]|\$)" ||
        missing+=("skiff-$g.1 does not list $s")
    done
  done
  [ ${#missing[@]} -eq 0 ] || { printf 'missing: %s\n' "${missing[@]}"; return 1; }
}

@test "docs: every flag in a command's --help is in its man page's OPTIONS" {
  need_man
  local missing=() name short long kind n=0
  while read -r name; do
    [ -f "$(page_of "$name")" ] || { missing+=("no page for $name"); continue; }
    while read -r short long kind; do
      n=$((n + 1))
      documents_flag "$(page_of "$name")" "$short" "$long" ||
        missing+=("skiff-${name// /-}.1: $([ "$short" = - ] || echo "-$short, ")--$long")
    done < <(help_flags $name)
  done < <(all_commands)
  [ "$n" -gt 50 ]  # the parsing found the flags
  [ ${#missing[@]} -eq 0 ] || { printf 'undocumented: %s\n' "${missing[@]}"; return 1; }
}

@test "docs: man pages document no flag the command does not have" {
  need_man
  local extra=() name tag flags re='^(-([A-Za-z0-9]), )?--([a-z0-9-]+)'
  while read -r name; do
    [ -f "$(page_of "$name")" ] || continue  # reported by the test above
    flags=$(help_flags $name)
    while IFS= read -r tag; do
      [[ $tag =~ $re ]] || continue
      grep -qx -- "${BASH_REMATCH[2]:--} ${BASH_REMATCH[3]} .*" <<<"$flags" ||
        extra+=("skiff-${name// /-}.1: $tag")
    done < <(option_tags "$(page_of "$name")")
  done < <(all_commands)
  [ ${#extra[@]} -eq 0 ] || { printf 'not a flag of the command: %s\n' "${extra[@]}"; return 1; }
}

@test "docs: skiff(1) documents the global options" {
  need_man
  local missing=() short long kind s
  while read -r short long kind; do
    documents_flag "$MAN_DIR/skiff.1" "$short" "$long" || missing+=("--$long")
  done < <(help_flags)
  [ -n "$(help_flags)" ]
  [ ${#missing[@]} -eq 0 ] || { printf 'undocumented: %s\n' "${missing[@]}"; return 1; }
  for s in FILES "EXIT" ENVIRONMENT; do
    grep -q "^\.SH $s" "$MAN_DIR/skiff.1"
  done
  grep -q '/var/lib/skiff' "$MAN_DIR/skiff.1"
  grep -q 'XDG_RUNTIME_DIR' "$MAN_DIR/skiff.1"
}

@test "docs: hidden commands have no man page" {
  need_man
  run ls "$MAN_DIR"
  [[ $output != *__* ]]
}

@test "docs: man pages render without warnings and are all installed" {
  need_man
  command -v groff >/dev/null || skip "groff is not installed"
  local page bad=()
  for page in "$MAN_DIR"/*.1; do
    run groff -man -Tutf8 -ww -z "$page"
    [ "$status" -eq 0 ] && [ -z "$output" ] || bad+=("$(basename "$page"): $output")
    if [ -f "$MAN_DIR/meson.build" ]; then
      grep -qF "'$(basename "$page")'" "$MAN_DIR/meson.build" || bad+=("$(basename "$page") not in meson.build")
    fi
  done
  [ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}"; return 1; }
}

@test "complete: every value flag completes without failing" {
  local failed=() name short long kind n=0
  while read -r name; do
    while read -r short long kind; do
      [ "$kind" = value ] || continue
      n=$((n + 1))
      run skiff __complete $name "--$long" ''
      [ "$status" -eq 0 ] || failed+=("$name --$long: $output")
      if [ "$short" != - ]; then
        run skiff __complete $name "-$short" ''
        [ "$status" -eq 0 ] || failed+=("$name -$short: $output")
      fi
    done < <(help_flags $name)
  done < <(all_commands)
  [ "$n" -gt 20 ]
  [ ${#failed[@]} -eq 0 ] || { printf 'failed: %s\n' "${failed[@]}"; return 1; }
}

# Asserts that the last `run` printed each of the given lines.
offers() {
  local w
  [ "$status" -eq 0 ] || { echo "exit $status: $output"; return 1; }
  for w in "$@"; do
    grep -qxF -- "$w" <<<"$output" || { echo "'$w' not offered in: $output"; return 1; }
  done
}

not_offered() {
  local w
  [ "$status" -eq 0 ] || { echo "exit $status: $output"; return 1; }
  for w in "$@"; do
    ! grep -qxF -- "$w" <<<"$output" || { echo "'$w' offered in: $output"; return 1; }
  done
}

@test "complete: flag values offer the expected words" {
  run skiff __complete run --network ''
  offers default none host
  run skiff __complete create --net ''
  offers default none host
  run skiff __complete run --restart ''
  offers no on-failure always unless-stopped
  run skiff __complete run --stop-signal ''
  offers SIGTERM SIGKILL SIGINT
  run skiff __complete run --log-driver ''
  offers json-file none
  [ "${#lines[@]}" -eq 2 ]
  run skiff __complete kill -s ''
  offers SIGKILL SIGTERM SIGHUP
  run skiff __complete kill --signal SIGK
  [ "$output" = SIGKILL ]
  run skiff __complete inspect --type ''
  offers container image network volume
  [ "${#lines[@]}" -eq 4 ]
  run skiff __complete ps --filter ''
  offers name= status= label= ancestor= before= since= volume= network= is-task=
  run skiff __complete run --cap-add ''
  offers ALL CAP_NET_ADMIN CAP_SYS_ADMIN
  run skiff __complete run --security-opt ''
  offers no-new-privileges seccomp=unconfined
  run skiff __complete run --ulimit ''
  offers nofile= nproc=
  run skiff __complete save --format ''
  offers docker-archive oci-archive oci-dir
  run skiff __complete images --filter ''
  offers dangling= reference= before= since= label=
  run skiff __complete image prune --filter ''
  offers dangling= label= label!= until=
  run skiff __complete run --pull ''
  offers always missing never
  [ "${#lines[@]}" -eq 3 ]
  run skiff __complete create --pull n
  offers never
  [ "${#lines[@]}" -eq 1 ]
  run skiff __complete search --filter ''
  offers is-official= stars=
}

@test "complete: file arguments ask for file names" {
  run skiff __complete load -i ''
  [ "$output" = :files ]
  run skiff __complete run --env-file ''
  [ "$output" = :files ]
  run skiff __complete import ''
  [ "$output" = :files ]
  run skiff __complete save -o ''
  [ "$output" = :files ]
  run skiff __complete export --output ''
  [ "$output" = :files ]
}

@test "complete: flag names and command names" {
  run skiff __complete run --det
  [ "$output" = "$(printf -- '--detach\n--detach-keys')" ]
  run skiff __complete run --detach-k
  [ "$output" = --detach-keys ]
  for cmd in run start attach exec; do
    run skiff __complete $cmd --detach-keys ''
    [[ $'\n'"$output"$'\n' == *$'\nctrl-p,ctrl-q\n'* ]] || { echo "$cmd: $output"; false; }
    [[ $'\n'"$output"$'\n' == *$'\nctrl-a\n'* ]]
  done
  run skiff __complete run --dev
  [ "$output" = "$(printf -- '--device\n--device-cgroup-rule')" ]
  run skiff __complete run --device ''
  [ "$output" = :files ]
  run skiff __complete volume rm -
  offers -f --force
  run skiff __complete st
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'start\nstop')" ]
  local c
  for c in "${lines[@]}"; do
    skiff "$c" --help >/dev/null
  done
  # Every command of --help is offered, and no hidden one.
  run skiff __complete ''
  [ "$status" -eq 0 ]
  [[ $output != *__* ]]
  offers $(top_commands) $(groups)
  for c in $(groups); do
    run skiff __complete "$c" ''
    offers $(group_commands "$c")
  done
}

@test "complete: live volume, image and container names" {
  skiff volume create vol1 >/dev/null
  run skiff __complete volume rm ''
  offers vol1
  run skiff __complete volume inspect v
  offers vol1
  run skiff __complete run -v ''
  offers vol1
  run skiff __complete run --volume vo
  offers vol1

  load_busybox
  run skiff __complete run ''
  offers busybox:latest
  run skiff __complete image inspect bu
  offers busybox:latest
  run skiff __complete rmi ''
  offers busybox:latest
  run skiff __complete history ''
  offers busybox:latest
  run skiff __complete save bu
  offers busybox:latest
  run skiff __complete image exists ''
  offers busybox:latest

  skiff create --name c1 busybox:latest true >/dev/null
  run skiff __complete start ''
  offers c1
  run skiff __complete export ''
  offers c1
  run skiff __complete rm c
  offers c1
  run skiff __complete inspect ''
  offers c1 busybox:latest
  run skiff __complete stop ''
  not_offered c1

  skiff run -d --name r1 --network none busybox:latest sleep 1000 >/dev/null
  run skiff __complete exec ''
  offers r1
  run skiff __complete start ''
  offers c1
  not_offered r1
}

# Runs the bash completion function for a command line (the cursor at its
# end) and prints the candidates; $1 says whether bash-completion is loaded.
bash_complete() {
  bash -c '
    [ "$1" = yes ] && source /usr/share/bash-completion/bash_completion
    source "$2" || exit 1
    COMP_LINE=$3
    COMP_POINT=${#COMP_LINE}
    read -ra COMP_WORDS <<<"$COMP_LINE"
    [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _skiff
    printf "%s\n" "${COMPREPLY[@]}"
  ' _ "$1" "$COMPLETIONS_DIR/skiff.bash" "$2"
}

@test "complete: the bash script completes skiff and docker through the binary" {
  need_completions
  run bash -c 'source "$1" && complete -p skiff && complete -p docker' _ "$COMPLETIONS_DIR/skiff.bash"
  [ "$status" -eq 0 ]
  [[ $output == *"complete -F _skiff skiff"* ]]
  [[ $output == *"complete -F _skiff docker"* ]]
  grep -q -- '__complete' "$COMPLETIONS_DIR/skiff.bash"

  skiff volume create vol1 >/dev/null
  load_busybox
  touch "$BATS_TEST_TMPDIR/archive.tar"
  local g="$SKIFF_BIN --root $BATS_TEST_TMPDIR/root --runroot $BATS_TEST_TMPDIR/run" lib
  for lib in no yes; do
    [ $lib = no ] || [ -f /usr/share/bash-completion/bash_completion ] || continue
    run bash_complete $lib "$g volume rm "
    offers vol1
    run bash_complete $lib "$SKIFF_BIN --root=$BATS_TEST_TMPDIR/root --runroot=$BATS_TEST_TMPDIR/run run -v v"
    offers vol1
    # bash replaces the part after the colon only.
    run bash_complete $lib "$g run busybox:la"
    [ "$output" = latest ]
    run bash_complete $lib "$g run --network "
    offers default none host
    run bash_complete $lib "$SKIFF_BIN load -i $BATS_TEST_TMPDIR/arch"
    [ "$output" = "$BATS_TEST_TMPDIR/archive.tar" ]
    run bash_complete $lib "$SKIFF_BIN st"
    [ "$output" = "$(printf 'start\nstop')" ]
  done
}

@test "complete: the zsh script completes through the binary" {
  need_completions
  grep -q '^#compdef skiff docker' "$COMPLETIONS_DIR/_skiff"
  grep -q -- '__complete' "$COMPLETIONS_DIR/_skiff"
  command -v zsh >/dev/null || skip "zsh is not installed"
  zsh -n "$COMPLETIONS_DIR/_skiff"
  skiff volume create vol1 >/dev/null
  touch "$BATS_TEST_TMPDIR/archive.tar"
  # compadd and _files only work inside completion: stand-ins print.
  run zsh -c '
    compdef() { print "compdef $*" }
    compadd() { local -a a; a=("$@"); print -l -- ${a[$((${a[(i)--]} + 1)),-1]} }
    _files() { print ":files" }
    source "$1"
    words=("$2" --root "$3" --runroot "$4" volume rm "")
    CURRENT=${#words}
    _skiff
    words=("$2" load -i x)
    CURRENT=${#words}
    _skiff
  ' _ "$COMPLETIONS_DIR/_skiff" "$SKIFF_BIN" "$BATS_TEST_TMPDIR/root" "$BATS_TEST_TMPDIR/run"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'compdef _skiff skiff docker\nvol1\n:files')" ]
}

@test "complete: the fish script completes skiff and docker through the binary" {
  need_completions
  grep -q -- '__complete' "$COMPLETIONS_DIR/skiff.fish"
  command -v fish >/dev/null || skip "fish is not installed"
  fish -n "$COMPLETIONS_DIR/skiff.fish"
  skiff volume create vol1 >/dev/null
  touch "$BATS_TEST_TMPDIR/archive.tar"
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  ln -s "$SKIFF_BIN" "$BATS_TEST_TMPDIR/bin/skiff"
  ln -s "$SKIFF_BIN" "$BATS_TEST_TMPDIR/bin/docker"
  local g="--root $BATS_TEST_TMPDIR/root --runroot $BATS_TEST_TMPDIR/run"
  run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
    "$COMPLETIONS_DIR/skiff.fish" "skiff $g volume rm "
  [ "$output" = vol1 ]
  run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
    "$COMPLETIONS_DIR/skiff.fish" "docker $g volume rm "
  offers vol1
  run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
    "$COMPLETIONS_DIR/skiff.fish" "skiff load -i $BATS_TEST_TMPDIR/arch"
  [ "$output" = "$BATS_TEST_TMPDIR/archive.tar" ]
}
