#!/usr/bin/env bats
# --format templates over Docker's typed data: a field that does not exist
# is an error, as docker/cli's (checked against Docker's CLI 28.2); a key a
# Go map lacks is "<no value>"; listing rows' JSON has Docker's keys.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  load_busybox
}

@test "ps: a field ContainerContext lacks fails before listing, with or without containers" {
  run --separate-stderr skiff ps --format '{{.Nope}}'
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  [ "$stderr" = 'skiff: failed to execute template: template: :1:2: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type *formatter.ContainerContext' ]
  # Checked before anything else, a bad filter included.
  run --separate-stderr skiff ps --filter nope=1 --format '{{.Nope}}'
  [ "$status" -eq 1 ]
  [[ "$stderr" == 'skiff: failed to execute template: '* ]]
  # The whole format is checked, "table" included (hence column 8).
  run --separate-stderr skiff ps -a --format 'table {{.Nope}}'
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: failed to execute template: template: :1:8: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type *formatter.ContainerContext' ]
  # -q ignores the format, with Docker's warning, but still checks it.
  run --separate-stderr skiff ps -q --format '{{.Nope}}'
  [ "$status" -eq 1 ]
  [ "${stderr%%$'\n'*}" = 'WARNING: Ignoring custom format, because both --format and --quiet are set.' ]
}

@test "ps: a failure on a row prints nothing, as docker's 'template parsing error'" {
  skiff run -d --name t1 busybox sleep 100
  # Not reached on the empty row docker checks first, reached on t1's.
  run --separate-stderr skiff ps --format '{{.ID}}{{if .Names}}{{.Nope}}{{end}}'
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:22: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type *formatter.ContainerContext' ]
  run --separate-stderr skiff ps --format '{{.Names.Nope}}'
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: failed to execute template: template: :1:8: executing "" at <.Names.Nope>: can'"'"'t evaluate field Nope in type string' ]
  # .Label is a method of one argument.
  skiff rm -f t1 >/dev/null
  skiff run -d --name t2 -l a=b busybox sleep 100
  run --separate-stderr skiff ps --format '{{.Label "a"}}|{{.Label "zz"}}|{{.Names}}'
  [ "$status" -eq 0 ]
  [ "$output" = "b||t2" ]
  run --separate-stderr skiff ps --format '{{.Label}}'
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: failed to execute template: template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0' ]
  skiff rm -f t2 >/dev/null
}

@test "images, volume ls, history: a missing field fails on the first row, and not without rows" {
  run --separate-stderr skiff images --format '{{.Nope}}'
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type *formatter.imageContext' ]
  run --separate-stderr skiff images --format '{{.Nope}}' nosuchrepo
  [ "$status" -eq 0 ]
  [ -z "$output$stderr" ]
  run --separate-stderr skiff volume ls --format '{{.Nope}}'
  [ "$status" -eq 0 ]
  [ -z "$output$stderr" ]
  skiff volume create tv >/dev/null
  run --separate-stderr skiff volume ls --format '{{.Nope}}'
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type *formatter.volumeContext' ]
  # volume ls knows no ID field, though its header map names one.
  run --separate-stderr skiff volume ls --format 'table {{.ID}}'
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.ID>: can'"'"'t evaluate field ID in type *formatter.volumeContext' ]
  run --separate-stderr skiff history --format '{{.ID}}{{.Nope}}' busybox
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:9: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type *image.historyContext' ]
  # A syntax error is docker's "template parsing error" too.
  run --separate-stderr skiff images --format '{{.Nope'
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1: unclosed action' ]
  # The header row uses docker/cli's header functions: titles stay as they are.
  run --separate-stderr skiff images --format 'table {{lower .Repository}}\t{{json .Tag}}\t{{truncate .ID 3}}'
  [ "${lines[0]}" = 'REPOSITORY   TAG        IMAGE ID' ]
  [ "${lines[1]:0:24}" = 'busybox      "latest"   ' ]
  # A format of one's own beats -q, as in docker/cli.
  run --separate-stderr skiff volume ls -q --format '{{.Driver}}:{{.Name}}'
  [ "$output" = "local:tv" ]
  run --separate-stderr skiff images -q --format '{{.Repository}}'
  [ "$output" = "busybox" ]
}

@test "inspect: a missing field is 'map has no entry', a Go map's missing key <no value>" {
  skiff run -d --name i1 -l a=b busybox sleep 100
  run --separate-stderr skiff inspect -f '{{.Nope}}' i1
  [ "$status" -eq 1 ]
  # docker/cli prints a bare newline when no object printed.
  [ "$output" = "" ]
  [ "$(skiff inspect -f '{{.Nope}}' i1 2>/dev/null | od -An -c | tr -d ' ')" = '\n' ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"' ]
  run --separate-stderr skiff inspect -f '{{.Config.Nope}}' i1
  [ "$stderr" = 'skiff: template parsing error: template: :1:9: executing "" at <.Config.Nope>: map has no entry for key "Nope"' ]
  # Health is a nil pointer Docker's JSON leaves out.
  run --separate-stderr skiff inspect -f '{{.State.Health.Status}}' i1
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:8: executing "" at <.State.Health.Status>: map has no entry for key "Health"' ]
  run --separate-stderr skiff inspect -f '{{.State.Health}}|{{if .State.Health}}h{{else}}n{{end}}|{{.SizeRw}}' i1
  [ "$status" -eq 0 ]
  [ "$output" = "<nil>|n|<nil>" ]
  # Maps: labels, networks, ports, the graph driver's data.
  run --separate-stderr skiff container inspect -f '{{.Config.Labels.nope}} {{.Config.Labels.a}} {{.NetworkSettings.Networks.nope}} {{.NetworkSettings.Ports.nope}} {{.GraphDriver.Data.nope}}' i1
  [ "$status" -eq 0 ]
  [ "$output" = "<no value> b <no value> <no value> <no value>" ]
  # index gives a map's zero value: "" for labels, as Go's index does.
  run --separate-stderr skiff inspect -f '{{index .Config.Labels "nope"}}|{{index .Config.Labels "a"}}' i1
  [ "$output" = "|b" ]
  # Each object on its own: the one that fails prints nothing.
  run --separate-stderr skiff inspect -f '{{.Name}} {{.Config.Image}}' i1 busybox
  [ "$status" -eq 1 ]
  [ "$output" = "/i1 busybox" ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.Name>: map has no entry for key "Name"' ]
  # A template that does not parse: exit 64, as docker/cli's inspect.
  run --separate-stderr skiff inspect -f '{{.Nope' i1
  [ "$status" -eq 64 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1: unclosed action' ]
  skiff rm -f i1 >/dev/null
}

# moby's ContainerJSONBase.ID is "Id" in JSON, HostConfig's DNS "Dns",
# CPUShares "CpuShares": templates reach them by the Go name, and by the
# key through docker/cli's raw fallback (checked with Docker's CLI 28.2).
@test "inspect: fields by their Go names, whose JSON keys differ" {
  skiff create --name g1 busybox >/dev/null
  id=$(skiff inspect -f '{{.Id}}' g1)
  [ "${#id}" -eq 64 ]
  run --separate-stderr skiff inspect -f '{{.ID}}|{{.HostConfig.DNS}}|{{.HostConfig.DNSSearch}}|{{.HostConfig.CPUShares}}|{{.HostConfig.NanoCPUs}}' g1
  [ "$status" -eq 0 ]
  [ "$output" = "$id|[]|[]|0|0" ]
  run --separate-stderr skiff inspect -f '{{.HostConfig.Dns}}|{{.HostConfig.CpuShares}}' g1
  [ "$output" = "[]|0" ]
  # Neither spelling of both: the typed run fails on .Dns, the raw one on .DNS.
  run --separate-stderr skiff inspect -f '{{.HostConfig.DNS}}|{{.HostConfig.Dns}}' g1
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:13: executing "" at <.HostConfig.DNS>: map has no entry for key "DNS"' ]
  run --separate-stderr skiff image inspect -f '{{.ID}}' busybox
  [ "$output" = "$(skiff image inspect -f '{{.Id}}' busybox)" ]
  [[ "$output" == sha256:* ]]
  skiff rm g1 >/dev/null
}

# Go prints a struct as {v1 v2 ...}, its fields in order, omitted ones as
# their zero value; nil slices [] and nil maps map[] (checked against
# Docker's CLI 28.2 on the same commands).
@test "a struct prints as Go's {...}, in field order" {
  skiff create --name s1 busybox >/dev/null
  run --separate-stderr skiff inspect -f '{{.State}}' s1
  [ "$output" = "{created false false false false false 0 0  0001-01-01T00:00:00Z 0001-01-01T00:00:00Z <nil>}" ]
  run --separate-stderr skiff inspect -f '{{.HostConfig.RestartPolicy}}|{{.HostConfig.LogConfig}}|{{index .Config.Volumes "x"}}|{{.Config.Cmd}}|{{.Config.Entrypoint}}|{{.HostConfig.CapAdd}}' s1
  [ "$output" = "{no 0}|{json-file map[]}|{}|[sh]|[]|[]" ]
  # len of a nil slice or map is 0, as of any typed nil.
  run --separate-stderr skiff inspect -f '{{len .ExecIDs}} {{len .Config.Volumes}} {{len .HostConfig.CapAdd}}' s1
  [ "$output" = "0 0 0" ]
  skiff rm s1 >/dev/null
  run --separate-stderr skiff info -f '{{.Plugins.Authorization}}|{{.Swarm.RemoteManagers}}|{{.Swarm.Cluster}}|{{.ContainerdCommit}}'
  [ "$output" = "[]|[]|<nil>|{ }" ]
  run --separate-stderr skiff version -f '{{.Server.Platform}}|{{(index .Server.Components 0).Name}}'
  [ "$output" = "{}|Engine" ]
}

@test "image and volume inspect: typed as Docker's, volume inspect without the raw fallback" {
  run --separate-stderr skiff image inspect -f '{{.Config.Labels.x}} {{.GraphDriver.Data.x}}' busybox
  [ "$status" -eq 0 ]
  [ "$output" = "<no value> <no value>" ]
  run --separate-stderr skiff image inspect -f '{{.Nope}}' busybox
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"' ]
  skiff volume create iv >/dev/null
  run --separate-stderr skiff volume inspect -f '{{.Options.nope}} {{.Labels.x}} {{.Name}}' iv
  [ "$status" -eq 0 ]
  [ "$output" = "<no value> <no value> iv" ]
  run --separate-stderr skiff volume inspect -f '{{.Nope}}' iv
  [ "$status" -eq 1 ]
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.Nope>: can'"'"'t evaluate field Nope in type volume.Volume' ]
  # The generic inspect of a volume falls back on its raw JSON.
  run --separate-stderr skiff inspect -f '{{.Nope}}' iv
  [ "$stderr" = 'skiff: template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"' ]
  # --format json is compact, as docker/cli's JSON inspector.
  run --separate-stderr skiff volume inspect --format json iv
  [ "${output:0:2}" = '[{' ]
  [ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "ps, images, volume ls: {{json .}} has Docker's keys, in Docker's order, all strings" {
  skiff volume create jv >/dev/null
  skiff run -d --name j1 -l k=v -v jv:/data busybox sleep 100
  local line
  line=$(skiff ps --format '{{json .}}')
  [ "$(jq -c keys_unsorted <<<"$line")" = '["Command","CreatedAt","ID","Image","Labels","LocalVolumes","Mounts","Names","Networks","Platform","Ports","RunningFor","Size","State","Status"]' ]
  [ "$(jq -c '[.Command, .Image, .Labels, .LocalVolumes, .Mounts, .Names, .Platform, .State]' <<<"$line")" = '["\"sleep 100\"","busybox","k=v","1","jv","j1",null,"running"]' ]
  [[ "$(jq -r .CreatedAt <<<"$line")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9:]{8}\ [-+][0-9]{4}\ [-+A-Z0-9]+$ ]]
  # In the local time zone, as docker/cli prints Go times.
  [[ "$(TZ=UTC skiff ps --format '{{.CreatedAt}}')" =~ ^[0-9-]{10}\ [0-9:]{8}\ \+0000\ UTC$ ]]
  [[ "$(TZ=America/St_Johns skiff ps --format '{{.CreatedAt}}')" =~ ^[0-9-]{10}\ [0-9:]{8}\ -0330\ NST$ ]]
  [[ "$(TZ=America/St_Johns skiff images --format '{{.CreatedAt}}')" =~ ^[0-9-]{10}\ [0-9:]{8}\ -0330\ NST$ ]]
  [[ "$(TZ=America/St_Johns skiff history --format '{{.CreatedAt}}' busybox)" =~ ^[0-9-]{10}T[0-9:]{8}-03:30$ ]]
  # {{json .}} prints .Size, which asks for sizes; --format json does not.
  [[ "$(jq -r .Size <<<"$line")" =~ ^[0-9.]+k?B\ \(virtual\ [0-9.]+[kM]B\)$ ]]
  [ "$(skiff ps --format json | jq -r .Size)" = "0B" ]
  [ "$(skiff ps --format json | jq -c keys_unsorted)" = "$(jq -c keys_unsorted <<<"$line")" ]
  line=$(skiff images --format '{{json .}}')
  [ "$(jq -c keys_unsorted <<<"$line")" = '["Containers","CreatedAt","CreatedSince","Digest","ID","Repository","SharedSize","Size","Tag","UniqueSize","VirtualSize"]' ]
  [ "$(jq -c '[.Containers, .Digest, .Repository, .SharedSize, .Tag, .UniqueSize]' <<<"$line")" = '["N/A","<none>","busybox","N/A","latest","N/A"]' ]
  # The formatter context marshals itself, HTML escaped, as Docker's.
  [[ "$line" == *'"Digest":"\u003cnone\u003e"'* ]]
  line=$(skiff volume ls --format '{{json .}}')
  [ "$(jq -c keys_unsorted <<<"$line")" = '["Availability","Driver","Group","Labels","Links","Mountpoint","Name","Scope","Size","Status"]' ]
  [ "$(jq -c '[.Availability, .Driver, .Group, .Links, .Name, .Scope, .Size, .Status]' <<<"$line")" = '["N/A","local","N/A","N/A","jv","local","N/A","N/A"]' ]
  [ "$(skiff volume ls --format json)" = "$line" ]
  skiff rm -f j1 >/dev/null
}

@test "ps -s: the writable layer's size and the virtual size, as Docker's SIZE" {
  skiff run -d --name s1 busybox sh -c 'printf hello-world! >/f; sleep 100'
  wait_for skiff exec s1 test -f /f
  local image
  image=$(skiff images --format '{{.Size}}' busybox)
  run --separate-stderr skiff ps -s
  [ "$status" -eq 0 ]
  [[ "${output%%$'\n'*}" == *NAMES*SIZE ]]
  [[ "$output" == *"s1        12B (virtual $image)"* ]]
  [ "$(skiff ps --size --format '{{.Size}}')" = "12B (virtual $image)" ]
  # .Size in the format asks for sizes itself; --size=false does not.
  [ "$(skiff ps --format '{{.Names}} {{.Size}}')" = "s1 12B (virtual $image)" ]
  [ "$(skiff ps --size=false --format '{{.Size}}')" = "0B" ]
  skiff rm -f s1 >/dev/null
}
