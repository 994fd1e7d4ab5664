#!/usr/bin/env bats
# version, info, help, command-line errors, the docker symlink name, and the
# error for a user without a subordinate ID range.

load helpers

bats_require_minimum_version 1.5.0

# helpers.bash's teardown, kept under another name so this file can add to it.
eval "$(declare -f teardown | sed '1s/^teardown/helpers_teardown/')"

teardown() {
  if [ -n "${NOSUB_USER:-}" ]; then
    userdel "$NOSUB_USER" >/dev/null 2>&1 || true
  fi
  if [ -n "${NOSUB_DIR:-}" ]; then
    rm -rf "$NOSUB_DIR"
  fi
  helpers_teardown
}

@test "version prints the version; --format '{{.Client.Version}}'" {
  run skiff version --format '{{.Client.Version}}'
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]
  [ "${#lines[@]}" -eq 1 ]
  v=$output
  run skiff version --format '{{.Server.Version}} {{.Client.Os}}'
  [ "$output" = "$v linux" ]
  run skiff version --format '{{json .Client}}'
  [ "$(jq -r .Version <<<"$output")" = "$v" ]
  run skiff --version
  [ "$status" -eq 0 ]
  [ "$output" = "skiff version $v" ]
  run skiff -v
  [ "$output" = "skiff version $v" ]
}

# The keys of Docker 24+'s `docker version --format '{{json .}}'`: docker/cli's
# clientVersion and the Engine API's Version, with an Engine component
# holding the server's details (Platform.Name empty, as Docker's
# reference build here has it).
@test "version: Docker's JSON keys, its Engine component and its text layout" {
  run skiff version --format '{{json .}}'
  [ "$status" -eq 0 ]
  json=$output
  # In Go's field order, as Docker's CLI prints them; Details is a map, sorted.
  [ "$(jq -c 'keys_unsorted' <<<"$json")" = '["Client","Server"]' ]
  [ "$(jq -c '.Client | keys_unsorted' <<<"$json")" = '["Version","ApiVersion","DefaultAPIVersion","GitCommit","GoVersion","Os","Arch","BuildTime","Context"]' ]
  [ "$(jq -c '.Server | keys_unsorted' <<<"$json")" = '["Platform","Components","Version","ApiVersion","MinAPIVersion","GitCommit","GoVersion","Os","Arch","KernelVersion","BuildTime"]' ]
  [ "$(jq -c '.Server.Components[0] | keys_unsorted' <<<"$json")" = '["Name","Version","Details"]' ]
  [ "$(jq -c '[.Server.Components[].Name]' <<<"$json")" = '["Engine","docker-init"]' ]
  [ "$(jq -c '.Server.Components[0].Details | keys_unsorted' <<<"$json")" = '["ApiVersion","Arch","BuildTime","Experimental","GitCommit","GoVersion","KernelVersion","MinAPIVersion","Os"]' ]
  [ "$(jq -r '.Server.ApiVersion + " " + .Server.MinAPIVersion + " " + .Client.ApiVersion' <<<"$json")" = "1.43 1.12 1.43" ]
  [ "$(jq -r .Server.KernelVersion <<<"$json")" = "$(uname -r)" ]
  [ "$(jq -r .Server.Arch <<<"$json")" = amd64 ]
  [[ "$(jq -r .Server.GoVersion <<<"$json")" =~ ^(g\+\+|clang)\ [0-9] ]]
  [[ "$(jq -r .Server.GitCommit <<<"$json")" =~ ^[0-9a-f]{7,}$ ]]
  # The Engine API's build time, and the CLI's (Go's ANSIC) of the same moment.
  [[ "$(jq -r .Server.BuildTime <<<"$json")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.000000000\+00:00$ ]]
  [ "$(jq -r .Client.BuildTime <<<"$json")" = "$(date -u -d "$(jq -r .Server.BuildTime <<<"$json")" '+%a %b %e %H:%M:%S %Y')" ]
  v=$(jq -r .Client.Version <<<"$json")
  c=$(jq -r .Client.GitCommit <<<"$json")
  g=$(jq -r .Client.GoVersion <<<"$json")
  b=$(jq -r .Client.BuildTime <<<"$json")
  run skiff version
  [ "$status" -eq 0 ]
  [ "$output" = "Client:
 Version:           $v
 API version:       1.43
 Go version:        $g
 Git commit:        $c
 Built:             $b
 OS/Arch:           linux/amd64
 Context:           default

Server:
 Engine:
  Version:          $v
  API version:      1.43 (minimum version 1.12)
  Go version:       $g
  Git commit:       $c
  Built:            $b
  OS/Arch:          linux/amd64
  Experimental:     false
 docker-init:
  Version:          $v
  GitCommit:        $c" ]
  # Docker's templates name the Go fields: APIVersion where the JSON says ApiVersion.
  run skiff version --format '{{.Server.APIVersion}} {{.Client.APIVersion}} {{"{{.APIVersion}}"}}'
  [ "$output" = '1.43 1.43 {{.APIVersion}}' ]
  run skiff version --format json
  [ "$(jq -r .Server.Version <<<"$output")" = "$v" ]
  [ "${#lines[@]}" -eq 1 ]
  # docker/cli exits 64 for a template that does not parse.
  run skiff version --format '{{.Server.Version'
  [ "$status" -eq 64 ]
  [[ "$output" == "skiff: template parsing error: template: "*"unclosed action"* ]]
}

# docker/cli's versionInfo and dockerInfo are Go structs: a field they
# lack is an error naming the struct's type (version's template is named
# "version"), stdout gets what printed before it and a newline, exit 1;
# a Go name whose JSON key differs is reached by the Go name only.
@test "version and info --format: typed as Docker's, Go field names" {
  run --separate-stderr skiff version --format '{{.Nope}}'
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = 'skiff: template: version:1:2: executing "version" at <.Nope>: can'"'"'t evaluate field Nope in type system.versionInfo' ]
  run --separate-stderr skiff version --format 'a{{.Client.Os}}|{{.Server.ApiVersion}}'
  [ "$status" -eq 1 ]
  [ "$output" = "alinux|" ]
  [ "$stderr" = 'skiff: template: version:1:25: executing "version" at <.Server.ApiVersion>: can'"'"'t evaluate field ApiVersion in type *types.Version' ]
  run --separate-stderr skiff version --format '{{.Client.Nope}}'
  [[ "$stderr" == *"can't evaluate field Nope in type system.clientVersion" ]]
  run --separate-stderr skiff version --format '{{(index .Server.Components 0).Nope}}'
  [[ "$stderr" == *"can't evaluate field Nope in type types.ComponentVersion" ]]
  run skiff version --format '{{.Server.Platform.Name}}|{{(index .Server.Components 0).Details.Nope}}'
  [ "$output" = "|<no value>" ]
  run --separate-stderr skiff version --format '{{.Server.Version'
  [ "$status" -eq 64 ]
  [ "$stderr" = "skiff: template parsing error: template: version:1: unclosed action" ]

  run --separate-stderr skiff info --format '{{.Nope}}'
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = 'skiff: template: :1:2: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type system.dockerInfo' ]
  run --separate-stderr skiff info --format '{{.HTTPProxy}}|{{.HttpProxy}}'
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template: :1:17: executing "" at <.HttpProxy>: can'"'"'t evaluate field HttpProxy in type system.dockerInfo' ]
  run --separate-stderr skiff info --format '{{.CpuCfsQuota}}'
  [ "$status" -eq 1 ]
  run --separate-stderr skiff info --format '{{.Runtimes.skiff.path}}'
  [[ "$stderr" == *"can't evaluate field path in type system.RuntimeWithStatus" ]]
  for f in Server:RegistryConfig:'*registry.ServiceConfig' x:ClientInfo:'*system.clientInfo' x:Swarm:swarm.Info \
           x:Plugins:system.PluginsInfo x:RuncCommit:system.Commit; do
    IFS=: read -r _ field type <<<"$f"
    run --separate-stderr skiff info --format "{{.$field.Nope}}"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"can't evaluate field Nope in type $type" ]]
  done
  # Maps give no value; omitempty fields their Go zero value.
  run skiff info --format '{{.Runtimes.x}}|{{.RegistryConfig.IndexConfigs.x}}|{{.ClientInfo.APIVersion}}|{{.Swarm.Cluster}}|{{.Swarm.Nodes}}|{{.SystemStatus}}|{{.UserName}}'
  [ "$output" = "<no value>|<no value>||<nil>|0|[]|" ]
}

@test "info counts the containers and images this test made" {
  run skiff info --format '{{.Containers}} {{.Images}}'
  [ "$status" -eq 0 ]
  [ "$output" = "0 0" ]
  load_busybox
  skiff tag busybox second:1
  skiff import "$BUSYBOX_TAR" other:1 >/dev/null
  skiff create --name stopped busybox true >/dev/null
  skiff run -d --name running busybox sleep 60 >/dev/null
  # Two images (busybox with two names, and other:1), two containers.
  run skiff info --format '{{.Images}}'
  [ "$output" = "2" ]
  run skiff info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}}'
  [ "$output" = "2 1 0 1" ]
  run skiff info
  [ "$status" -eq 0 ]
  [[ "$output" == *$'\n Containers: 2\n  Running: 1\n  Paused: 0\n  Stopped: 1\n Images: 2\n'* ]]
  run skiff info --format '{{.DockerRootDir}}'
  [ "$output" = "$BATS_TEST_TMPDIR/root" ]
  run skiff info --format '{{json .}}'
  [ "$(jq -r .Images <<<"$output")" = "2" ]
  [ "$(jq -r .ServerVersion <<<"$output")" = "$(skiff version --format '{{.Client.Version}}')" ]
}

# Every key of Docker 24+'s Info (moby api/types/system; KernelMemory and
# KernelMemoryTCP are omitempty there and skiff has no kernel memory
# limits, so they are absent as on a 24+ engine without them), plus the
# ClientInfo docker/cli adds; the values a script reads.
@test "info: Docker's JSON keys and values from this host" {
  run skiff info --format '{{json .}}'
  [ "$status" -eq 0 ]
  json=$output
  # In Go's field order, as Docker's CLI prints them (RegistryConfig
  # sorted: registry.ServiceConfig marshals through a map).
  [ "$(jq -c keys_unsorted <<<"$json")" = '["ID","Containers","ContainersRunning","ContainersPaused","ContainersStopped","Images","Driver","DriverStatus","Plugins","MemoryLimit","SwapLimit","CpuCfsPeriod","CpuCfsQuota","CPUShares","CPUSet","PidsLimit","IPv4Forwarding","Debug","NFd","OomKillDisable","NGoroutines","SystemTime","LoggingDriver","CgroupDriver","CgroupVersion","NEventsListener","KernelVersion","OperatingSystem","OSVersion","OSType","Architecture","IndexServerAddress","RegistryConfig","NCPU","MemTotal","GenericResources","DockerRootDir","HttpProxy","HttpsProxy","NoProxy","Name","Labels","ExperimentalBuild","ServerVersion","Runtimes","DefaultRuntime","Swarm","LiveRestoreEnabled","Isolation","InitBinary","ContainerdCommit","RuncCommit","InitCommit","SecurityOptions","CDISpecDirs","Warnings","ClientInfo"]' ]
  [ "$(jq -c '.ClientInfo | keys_unsorted' <<<"$json")" = '["Debug","Version","DefaultAPIVersion","GitCommit","GoVersion","Os","Arch","BuildTime","Context","Plugins","Warnings"]' ]
  [ "$(jq -c '.Swarm | keys_unsorted' <<<"$json")" = '["NodeID","NodeAddr","LocalNodeState","ControlAvailable","Error","RemoteManagers"]' ]
  [ "$(jq -c '.Plugins | keys_unsorted' <<<"$json")" = '["Volume","Network","Authorization","Log"]' ]
  [ "$(jq -c '.RegistryConfig | keys_unsorted' <<<"$json")" = '["IndexConfigs","InsecureRegistryCIDRs","Mirrors"]' ]
  [ "$(jq -c '.RegistryConfig | keys' <<<"$json")" = '["IndexConfigs","InsecureRegistryCIDRs","Mirrors"]' ]
  [ "$(jq -c '.RegistryConfig.IndexConfigs["docker.io"]' <<<"$json")" = '{"Mirrors":[],"Name":"docker.io","Official":true,"Secure":true}' ]
  [ "$(jq -c .RegistryConfig.InsecureRegistryCIDRs <<<"$json")" = '["::1/128","127.0.0.0/8"]' ]
  [ "$(jq -r '.OSType + " " + .Architecture + " " + .Name' <<<"$json")" = "linux $(uname -m) $(hostname)" ]
  [ "$(jq -r .KernelVersion <<<"$json")" = "$(uname -r)" ]
  [ "$(jq -r .OperatingSystem <<<"$json")" = "$(. /etc/os-release && echo "$PRETTY_NAME")" ]
  [ "$(jq -r .OSVersion <<<"$json")" = "$(. /etc/os-release && echo "$VERSION_ID")" ]
  [ "$(jq -r .NCPU <<<"$json")" = "$(nproc)" ]
  [ "$(jq -r .MemTotal <<<"$json")" = "$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024 ))" ]
  [ "$(jq -r '.LoggingDriver + " " + .DefaultRuntime + " " + .InitBinary' <<<"$json")" = "json-file skiff docker-init" ]
  [ "$(jq -r '.Runtimes.skiff.path' <<<"$json")" = "$SKIFF_BIN" ] || [ "$(jq -r '.Runtimes.skiff.path' <<<"$json")" = "$(readlink -f "$SKIFF_BIN")" ]
  [ "$(jq -r .Driver <<<"$json")" = "$(cat "$BATS_TEST_TMPDIR/root/driver" 2>/dev/null || jq -r .Driver <<<"$json")" ]
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then cgv=2; else cgv=1; fi
  [ "$(jq -r .CgroupVersion <<<"$json")" = "$cgv" ]
  # The engine ID is a UUID kept in the store: the same on every call.
  id=$(jq -r .ID <<<"$json")
  [[ "$id" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]
  [ "$(skiff info --format '{{.ID}}')" = "$id" ]
  if rootless; then
    [ "$(jq -c .SecurityOptions <<<"$json")" = '["name=seccomp,profile=builtin","name=rootless","name=cgroupns"]' ]
    [ "$(jq -r '.DriverStatus | map(select(.[0] == "userxattr"))[0][1] // "none"' <<<"$json")" != false ]
  else
    [ "$(jq -c .SecurityOptions <<<"$json")" = '["name=seccomp,profile=builtin","name=cgroupns"]' ]
    [ "$(jq -r .CgroupDriver <<<"$json")" = cgroupfs ]
    [ "$(jq -r .MemoryLimit <<<"$json")" = true ]
  fi
  # Rootless on cgroup v1 skiff makes no cgroups: Docker's driver "none"
  # and its warning, on stderr in the text form.
  if rootless && [ "$cgv" = 1 ]; then
    [ "$(jq -r .CgroupDriver <<<"$json")" = none ]
    [ "$(jq -r '.Warnings[0]' <<<"$json")" = "WARNING: Running in rootless-mode without cgroups. To enable cgroups in rootless-mode, you need to boot the system in cgroup v2 mode." ]
    run --separate-stderr skiff info
    [ "$stderr" = "WARNING: Running in rootless-mode without cgroups. To enable cgroups in rootless-mode, you need to boot the system in cgroup v2 mode." ]
    [[ "$output" != *WARNING* ]]
  fi
  run skiff info --format '{{.CPUCfsPeriod}} {{.HTTPProxy}}|{{range $k, $v := .Runtimes}}{{$k}} {{$v.Path}}{{end}}'
  [ "$output" = "$(jq -r .CpuCfsPeriod <<<"$json") |skiff $(jq -r .Runtimes.skiff.path <<<"$json")" ]
  run skiff info --format '{{.ServerVersion}} {{.Driver}} {{.ClientInfo.Context}}'
  [ "$output" = "$(skiff version --format '{{.Client.Version}}') $(jq -r .Driver <<<"$json") default" ]
  # A registry registries.conf calls insecure is among IndexConfigs.
  export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
  printf '[[registry]]\nlocation = "reg.example:5000"\ninsecure = true\n' >"$CONTAINERS_REGISTRIES_CONF"
  run skiff info --format '{{json .RegistryConfig.IndexConfigs}}'
  [ "$(jq -c '.["reg.example:5000"]' <<<"$output")" = '{"Mirrors":[],"Name":"reg.example:5000","Official":false,"Secure":false}' ]
  run skiff info
  [[ "$output" == *$'\n Insecure Registries:\n  reg.example:5000\n  ::1/128\n  127.0.0.0/8\n Live Restore Enabled: false'* ]]
  run skiff info --format '{{.Driver'
  [ "$status" -eq 64 ]
}

# docker/cli's prettyPrintInfo: a Client section, then the Server's lines
# in Docker's order and words.
@test "info: Docker's text layout" {
  run --separate-stderr skiff info
  [ "$status" -eq 0 ]
  v=$(skiff version --format '{{.Client.Version}}')
  [ "${lines[0]}" = "Client:" ]
  [ "${lines[1]}" = " Version:    $v" ]
  [ "${lines[2]}" = " Context:    default" ]
  [ "${lines[3]}" = " Debug Mode: false" ]
  [ "${lines[4]}" = "Server:" ]
  [[ "$output" == *$'\n\nServer:\n Containers: 0\n'* ]]
  # The labels, in Docker's order.
  labels=$(grep -o '^ *[A-Za-z][A-Za-z_ ]*:' <<<"$output" | tr -d ' ' | tr '\n' ' ')
  driver_lines=$(skiff info --format '{{json .DriverStatus}}' | jq -r '(. // []) | map((.[0] | gsub(" "; "")) + ": ") | join("")')
  echo "labels: $labels"
  [ "$labels" = "Client: Version: Context: DebugMode: Server: Containers: Running: Paused: Stopped: Images: ServerVersion: StorageDriver: $driver_lines""LoggingDriver: CgroupDriver: CgroupVersion: Plugins: Volume: Network: Log: Swarm: Runtimes: DefaultRuntime: InitBinary: containerdversion: runcversion: initversion: SecurityOptions: Profile: KernelVersion: OperatingSystem: OSType: Architecture: CPUs: TotalMemory: Name: ID: DockerRootDir: DebugMode: Experimental: InsecureRegistries: LiveRestoreEnabled: " ]
  [[ "$output" == *$'\n Plugins:\n  Volume: local\n  Network: bridge host null pasta slirp4netns\n  Log: json-file\n Swarm: inactive\n Runtimes: skiff\n Default Runtime: skiff\n Init Binary: docker-init\n'* ]]
  if rootless; then
    [[ "$output" == *$'\n Security Options:\n  seccomp\n   Profile: builtin\n  rootless\n  cgroupns\n Kernel Version: '* ]]
  else
    [[ "$output" == *$'\n Security Options:\n  seccomp\n   Profile: builtin\n  cgroupns\n Kernel Version: '* ]]
  fi
  [[ "$output" == *$'\n Operating System: '"$(. /etc/os-release && echo "$PRETTY_NAME")"$'\n OSType: linux\n'* ]]
  [[ "$output" == *$'\n Total Memory: '[0-9]*GiB$'\n'* ]]
  [[ "$output" == *$'\n Docker Root Dir: '"$BATS_TEST_TMPDIR/root"$'\n Debug Mode: false\n Experimental: false\n'* ]]
}

@test "skiff --help lists the commands; each command's --help shows its usage" {
  run skiff --help
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "Usage:  skiff [OPTIONS] COMMAND" ]]
  for c in run create start stop rm ps logs inspect images rmi tag import load version info volume image container; do
    grep -qE "^  $c +[A-Z]" <<<"$output" || { echo "--help does not list $c"; false; }
  done
  for c in run ps images rmi tag import load version info; do
    run skiff "$c" --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "Usage:  skiff $c "* ]] || { echo "$c --help: ${lines[0]}"; false; }
  done
  run skiff volume create --help
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "Usage:  skiff volume create "* ]]
  [[ "$output" == *"--label"* ]]
  run skiff volume --help
  [ "$status" -eq 0 ]
  for c in create ls inspect rm prune; do
    grep -qE "^  $c +[A-Z]" <<<"$output" || { echo "volume --help does not list $c"; false; }
  done
  run skiff import --help
  [[ "$output" == *"-c, --change"* ]]
  [[ "$output" == *"-m, --message"* ]]
}

@test "skiff help prints the same usage as --help" {
  expected=$(skiff --help)
  run skiff help
  [ "$status" -eq 0 ] || { echo "BUG: 'skiff help' (docker help works): $output"; false; }
  [ "$output" = "$expected" ]
}

# docker/cli cmd/docker/docker.go (v28): "docker: unknown command: docker
# foo" is a plain error, so exit 1 (only flag errors exit 125).
@test "unknown command: Docker's line, exit 1" {
  run skiff bogus
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: unknown command: skiff bogus" ]
  [ "${lines[1]}" = "Run 'skiff --help' for more information" ]
  [ "$(grep -c '^skiff:' <<<"$output")" -eq 1 ]
}

# docker/cli cli/required.go (v28): the count, the usage line and a help
# hint; a plain error, so exit 1.
@test "run with no image: Docker's usage error, exit 1" {
  run skiff run
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: 'skiff run' requires at least 1 argument" ]
  [ "${lines[1]}" = "Usage:  skiff run [OPTIONS] IMAGE [COMMAND] [ARG...]" ]
  [ "${lines[2]}" = "Run 'skiff run --help' for more information" ]
  [ "$(grep -c '^skiff:' <<<"$output")" -eq 1 ]
  run skiff rename onlyone
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: 'skiff rename' requires 2 arguments" ]
}

@test "unknown flag: one skiff: line, exit 125" {
  run skiff ps --bogus
  [ "$status" -eq 125 ]
  [[ "${lines[0]}" == "skiff: unknown flag: --bogus" ]]
  [ "$(grep -c '^skiff:' <<<"$output")" -eq 1 ]
  run skiff --bogus ps
  [ "$status" -eq 125 ]
  [[ "${lines[0]}" == "skiff: unknown flag: --bogus" ]]
  run skiff images -x
  [ "$status" -eq 125 ]
  [[ "${lines[0]}" == "skiff: unknown shorthand flag: 'x' in -x" ]]
  run skiff volume ls --bogus
  [ "$status" -eq 125 ]
  [[ "${lines[0]}" == "skiff: unknown flag: --bogus" ]]
  run skiff ps --format
  [ "$status" -eq 125 ]
  [[ "${lines[0]}" == "skiff: flag needs an argument: --format" ]]
  run skiff tag onlyone
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: 'skiff tag' requires 2 arguments" ]
}

@test "unknown subcommand of a management command is an error" {
  run skiff volume bogus
  [ "$status" -eq 1 ] || { echo "BUG: 'skiff volume bogus' exits $status without an error: $output"; false; }
  [[ "${lines[0]}" == "skiff: "*"bogus"* ]]
}

@test "invoked through a symlink named docker the binary behaves as skiff" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  ln -s "$SKIFF_BIN" "$BATS_TEST_TMPDIR/bin/docker"
  load_busybox
  run "$BATS_TEST_TMPDIR/bin/docker" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
    images --format '{{.Repository}}:{{.Tag}}'
  [ "$status" -eq 0 ]
  [ "$output" = "busybox:latest" ]
  run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" docker version --format '{{.Client.Version}}'
  [ "$status" -eq 0 ]
  [ "$output" = "$(skiff version --format '{{.Client.Version}}')" ]
  run "$BATS_TEST_TMPDIR/bin/docker" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
    run --rm busybox echo via-docker-name
  [ "$output" = "via-docker-name" ]
  run "$BATS_TEST_TMPDIR/bin/docker" bogus
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "skiff: unknown command: skiff bogus" ]
}

@test "ps shows the supervisor as skiff-supervise NAME and its network helper as skiff-slirp" {
  load_busybox
  # Names no other test (the other pass runs at the same time) has.
  local name="ps$RANDOM$$" long
  long="$name$(printf 'n%.0s' $(seq 1 120))"
  skiff run -d --name "$name" busybox sleep 100
  skiff run -d --name "$long" busybox sleep 100
  [ "$(ps -eo args= | grep -cx "skiff-supervise $name")" -eq 1 ]
  [ "$(ps -eo args= | grep -cx "skiff-supervise $long")" -eq 1 ]
  sup=$(pgrep -fx "skiff-supervise $name")
  [ "$(cat "/proc/$sup/comm")" = skiff-supervise ]
  # Rootless, the default network's helper is the supervisor's child.
  if rootless; then
    [ "$(ps -o args= --ppid "$sup" | grep -cx skiff-slirp)" -eq 1 ]
  fi
  # The supervisor's environment survived its title: it still stops the container.
  skiff stop -t 1 "$name"
  [ "$(skiff inspect --format '{{.State.Status}}' "$name")" = exited ]
}

@test "invoked as docker-compose: one line saying compose is missing, exit 125, nothing run" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  ln -s "$SKIFF_BIN" "$BATS_TEST_TMPDIR/bin/docker-compose"
  for args in "" "up -d" "--help" "version"; do
    # shellcheck disable=SC2086
    run "$BATS_TEST_TMPDIR/bin/docker-compose" --root "$BATS_TEST_TMPDIR/root" $args
    [ "$status" -eq 125 ]
    [ "$output" = "skiff: docker-compose: compose is not part of this version of skiff" ]
  done
  [ ! -e "$BATS_TEST_TMPDIR/root" ]
}

@test "a user without a subordinate ID range gets one error line naming /etc/subuid" {
  rootless && skip "needs root to create a throwaway user"
  command -v useradd >/dev/null || skip "useradd is not installed"
  NOSUB_USER=skiffnosub$$
  ! grep -q "^$NOSUB_USER:" /etc/subuid
  useradd --no-create-home -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 -s /usr/sbin/nologin "$NOSUB_USER"
  ! grep -q "^$NOSUB_USER:" /etc/subuid
  NOSUB_DIR=$(mktemp -d /tmp/skiff-nosub.XXXXXX)
  chown "$NOSUB_USER" "$NOSUB_DIR"
  runuser -u "$NOSUB_USER" -- test -x "$SKIFF_BIN" || skip "$SKIFF_BIN is not reachable by other users"
  as_user() {
    runuser -u "$NOSUB_USER" -- env -i HOME="$NOSUB_DIR" PATH="$PATH" \
      "$SKIFF_BIN" --root "$NOSUB_DIR/root" --runroot "$NOSUB_DIR/run" "$@"
  }
  run as_user run --rm busybox true
  [ "$status" -eq 125 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == "skiff: no subordinate ID range for user \"$NOSUB_USER\" in /etc/subuid"* ]]
  # docker/cli's create exits 1 for what is not a bad flag (run 125).
  run as_user create --name c busybox true
  [ "$status" -eq 1 ]
  [[ "$output" == "skiff: no subordinate ID range for user "*"/etc/subuid"* ]]
  [ -z "$(ls -A "$NOSUB_DIR/root/containers" 2>/dev/null)" ]
  # Commands that do not touch the store work without a range.
  run as_user version --format '{{.Client.Version}}'
  [ "$status" -eq 0 ]
  [ "$output" = "$(skiff version --format '{{.Client.Version}}')" ]
}

@test "rootless without newuidmap or newgidmap: one error line naming the missing tool, nothing created" {
  rootless || skip "the ID map tools matter to rootless skiff only"
  # A runtime directory of its own: the user's held namespace is not joined.
  export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
  mkdir -p "$XDG_RUNTIME_DIR"
  local bin=$BATS_TEST_TMPDIR/bin
  mkdir -p "$bin"
  ln -s "$(command -v newuidmap)" "$bin/"
  run env PATH="$bin" "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
    create --name c busybox true
  assert_error 1 "newgidmap failed to set the user namespace ID map (is package uidmap installed"
  [ "${#lines[@]}" -eq 1 ]
  rm "$bin/newuidmap"
  ln -s "$(command -v newgidmap)" "$bin/"
  run env PATH="$bin" "$SKIFF_BIN" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
    create --name c busybox true
  assert_error 1 "newuidmap failed to set the user namespace ID map"
  [ ! -e "$BATS_TEST_TMPDIR/root" ]
}

@test "rootless commands share one user namespace, held by skiff-userns; a dead or foreign holder is replaced" {
  rootless || skip "root needs no user namespace"
  export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
  mkdir -p "$XDG_RUNTIME_DIR"
  local record=$XDG_RUNTIME_DIR/skiff/userns.pid ns1 ns2 pid start
  load_busybox
  ns1=$(skiff run --rm --network none busybox readlink /proc/self/ns/user)
  ns2=$(skiff run --rm --network none busybox readlink /proc/self/ns/user)
  [ "$ns1" = "$ns2" ]
  read -r pid start <"$record"
  [ "$(ps -o args= -p "$pid")" = "skiff-userns" ]
  [ "$(readlink "/proc/$pid/ns/user")" = "$ns1" ]
  [ "$(awk '{print $22}' "/proc/$pid/stat")" = "$start" ]
  # Its maps are the user's ranges, as a namespace made for one command had.
  [ "$(awk '$1 == 0 {print $2}' "/proc/$pid/uid_map")" = "$(id -u)" ]

  kill -9 "$pid"
  # Until it has exited, its namespace is still there to join.
  wait_for sh -c "[ ! -e /proc/$pid/stat ] || [ \"\$(awk '{print \$3}' /proc/$pid/stat)\" = Z ]"
  ns2=$(skiff run --rm --network none busybox readlink /proc/self/ns/user)
  [ "$ns2" != "$ns1" ]
  read -r pid start <"$record"
  [ "$(readlink "/proc/$pid/ns/user")" = "$ns2" ]

  # A record naming a process of the user's outside any namespace (a
  # reused number) is not joined.
  sleep 100 &
  local other=$!
  echo "$other $(awk '{print $22}' "/proc/$other/stat")" >"$record"
  ns1=$(skiff run --rm --network none busybox readlink /proc/self/ns/user)
  kill "$other"
  [ "$ns1" != "$ns2" ]
  [ "$ns1" != "$(readlink /proc/self/ns/user)" ]
  kill "$pid"
  read -r pid start <"$record"
  [ "$(readlink "/proc/$pid/ns/user")" = "$ns1" ]
  # The store is torn down in the shared namespace.
  unset XDG_RUNTIME_DIR
  kill "$pid"
}
