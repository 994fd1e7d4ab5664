#!/usr/bin/env bats
# inspect and image inspect emit every key Docker 24 (API 1.43) emits, as
# moby's api/types declares them (ContainerJSON, container.Config and
# HostConfig, NetworkSettings, ImageInspect), with Docker's empty values
# and the values Docker records for the flags given.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  skiff import --change 'CMD ["sh"]' --change 'VOLUME /imgvol' --change 'ENV A=img B=img' \
    "$(busybox_tar)" busybox:latest >/dev/null
}

# The keys of the object at jq path $2 of JSON $1, sorted, one line.
keys_of() {
  jq -r "$2 | keys[]" <<<"$1" | sort | tr '\n' ' '
}

# The sorted words of $1, one line, as keys_of prints them.
sorted() {
  tr ' ' '\n' <<<"$1" | grep -v '^$' | sort | tr '\n' ' '
}

# The keys of the object at jq path $2 of JSON $1 in their order, one line.
ordered_keys() {
  jq -r "$2 | keys_unsorted[]" <<<"$1" | tr '\n' ' '
}

# The words of $1, one line, as ordered_keys prints them.
words() {
  tr ' ' '\n' <<<"$1" | grep -v '^$' | tr '\n' ' '
}

# Keys Docker always emits (api/types, v24.0): omitempty ones are added
# by the tests that set them. In Go's field order, as Docker's daemon
# prints them (moby api/types v28.2: the 20.10 daemon here orders some of
# HostConfig, NetworkSettings and EndpointSettings otherwise).
CONTAINER_KEYS="Id Created Path Args State Image ResolvConfPath HostnamePath HostsPath LogPath Name RestartCount
  Driver Platform MountLabel ProcessLabel AppArmorProfile ExecIDs HostConfig GraphDriver Mounts Config NetworkSettings"
HOSTCONFIG_KEYS="Binds ContainerIDFile LogConfig NetworkMode PortBindings RestartPolicy AutoRemove VolumeDriver
  VolumesFrom ConsoleSize CapAdd CapDrop CgroupnsMode Dns DnsOptions DnsSearch ExtraHosts GroupAdd IpcMode Cgroup
  Links OomScoreAdj PidMode Privileged PublishAllPorts ReadonlyRootfs SecurityOpt UTSMode UsernsMode ShmSize Runtime
  Isolation CpuShares Memory NanoCpus CgroupParent BlkioWeight BlkioWeightDevice BlkioDeviceReadBps
  BlkioDeviceWriteBps BlkioDeviceReadIOps BlkioDeviceWriteIOps CpuPeriod CpuQuota CpuRealtimePeriod
  CpuRealtimeRuntime CpusetCpus CpusetMems Devices DeviceCgroupRules DeviceRequests MemoryReservation MemorySwap
  MemorySwappiness OomKillDisable PidsLimit Ulimits CpuCount CpuPercent IOMaximumIOps IOMaximumBandwidth
  MaskedPaths ReadonlyPaths"
CONFIG_KEYS="Hostname Domainname User AttachStdin AttachStdout AttachStderr Tty OpenStdin StdinOnce Env Cmd Image
  Volumes WorkingDir Entrypoint OnBuild Labels"
NETWORK_KEYS="Bridge SandboxID SandboxKey Ports HairpinMode LinkLocalIPv6Address LinkLocalIPv6PrefixLen
  SecondaryIPAddresses SecondaryIPv6Addresses EndpointID Gateway GlobalIPv6Address GlobalIPv6PrefixLen IPAddress
  IPPrefixLen IPv6Gateway MacAddress Networks"
ENDPOINT_KEYS="IPAMConfig Links Aliases MacAddress DriverOpts NetworkID EndpointID Gateway IPAddress IPPrefixLen
  IPv6Gateway GlobalIPv6Address GlobalIPv6PrefixLen"
STATE_KEYS="Status Running Paused Restarting OOMKilled Dead Pid ExitCode Error StartedAt FinishedAt"
IMAGE_KEYS="Id RepoTags RepoDigests Parent Comment Created Container ContainerConfig DockerVersion Author Config
  Architecture Os Size VirtualSize GraphDriver RootFS Metadata"

@test "inspect of a plain container: every key Docker emits, with Docker's empty values" {
  skiff create --name plain --network none busybox sleep 60 >/dev/null
  run skiff inspect plain
  [ "$status" -eq 0 ]
  local j=$output
  [ "$(keys_of "$j" '.[0]')" = "$(sorted "$CONTAINER_KEYS")" ]
  [ "$(keys_of "$j" '.[0].HostConfig')" = "$(sorted "$HOSTCONFIG_KEYS")" ]
  [ "$(keys_of "$j" '.[0].Config')" = "$(sorted "$CONFIG_KEYS")" ]
  [ "$(keys_of "$j" '.[0].NetworkSettings')" = "$(sorted "$NETWORK_KEYS")" ]
  [ "$(keys_of "$j" '.[0].NetworkSettings.Networks.none')" = "$(sorted "$ENDPOINT_KEYS")" ]
  [ "$(keys_of "$j" '.[0].State')" = "$(sorted "$STATE_KEYS")" ]
  [ "$(keys_of "$j" '.[0].GraphDriver')" = "Data Name " ]
  # Docker's values: empty lists the CLI sends, nulls it leaves out, the daemon's defaults.
  [ "$(jq -c '.[0].HostConfig | [.Dns, .DnsOptions, .DnsSearch, .Devices, .BlkioWeightDevice, .PortBindings]' <<<"$j")" = '[[],[],[],[],[],{}]' ]
  [ "$(jq -c '.[0].HostConfig | [.Binds, .CapAdd, .CapDrop, .ExtraHosts, .GroupAdd, .Links, .VolumesFrom, .SecurityOpt, .Ulimits, .MemorySwappiness, .OomKillDisable]' <<<"$j")" = '[null,null,null,null,null,null,null,null,null,null,null]' ]
  [ "$(jq -c '.[0].HostConfig | [.LogConfig, .ShmSize, .IpcMode, .PidMode, .CgroupnsMode, .Memory, .MemorySwap, .ConsoleSize, .Runtime]' <<<"$j")" = '[{"Type":"json-file","Config":{}},67108864,"private","","private",0,0,[0,0],"skiff"]' ]
  [ "$(jq -c '.[0].HostConfig.ReadonlyPaths' <<<"$j")" = '["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]' ]
  jq -e '.[0].HostConfig.MaskedPaths | index("/proc/kcore") and index("/sys/firmware")' <<<"$j" >/dev/null
  [ "$(jq -c '.[0] | [.ExecIDs, .AppArmorProfile, .MountLabel, .ProcessLabel, .Platform]' <<<"$j")" = '[null,"","","","linux"]' ]
  # create attaches stdout and stderr as a foreground run; nothing sets a stop signal or timeout.
  [ "$(jq -c '.[0].Config | [.AttachStdin, .AttachStdout, .AttachStderr, .StdinOnce, .Domainname, .OnBuild, .Labels]' <<<"$j")" = '[false,true,true,false,"",null,{}]' ]
  [ "$(jq -c '.[0].Config.Volumes' <<<"$j")" = '{"/imgvol":{}}' ]
  [ "$(jq -c '.[0].Config.Env' <<<"$j")" = '["A=img","B=img"]' ]
  [ "$(jq -c '.[0].NetworkSettings | [.Ports, .SecondaryIPAddresses, .IPPrefixLen, .HairpinMode]' <<<"$j")" = '[{},null,0,false]' ]
  # No sizes unless asked for.
  [ "$(jq -c '.[0] | [has("SizeRw"), has("SizeRootFs")]' <<<"$j")" = '[false,false]' ]
}

@test "inspect shows the flags as Docker records them" {
  mkdir "$BATS_TEST_TMPDIR/host"
  # Rootless on this host's cgroup v1 takes no limits: --memory only as root.
  local memory=()
  rootless || memory=(-m 64m)
  skiff create --name full --network none -i "${memory[@]}" \
    -v named:/n -v named2:/n2:ro -v "$BATS_TEST_TMPDIR/host:/h:ro" -v /anon \
    --mount type=volume,src=mv,dst=/mv --tmpfs /t:size=2m,mode=1777 \
    --cap-add net_admin --cap-add CAP_SYS_TIME --cap-drop chown --cap-drop NET_ADMIN \
    --stop-signal SIGUSR1 --stop-timeout 7 --init \
    -e B=mine -e Z=1 -e Z=2 busybox sleep 60 >/dev/null
  run skiff inspect full
  [ "$status" -eq 0 ]
  local j=$output
  # The omitempty keys the flags set, and no others.
  [ "$(keys_of "$j" '.[0].HostConfig')" = "$(sorted "$HOSTCONFIG_KEYS Tmpfs Mounts Init")" ]
  [ "$(keys_of "$j" '.[0].Config')" = "$(sorted "$CONFIG_KEYS StopSignal StopTimeout")" ]
  # Twice --memory as the swap limit, as Docker's daemon records it.
  rootless || [ "$(jq -c '.[0].HostConfig | [.Memory, .MemorySwap]' <<<"$j")" = '[67108864,134217728]' ]
  # -v with a source (named volume or host path) is a Bind as written; -v /anon and the
  # image's VOLUME are Config.Volumes; --mount is HostConfig.Mounts; --tmpfs is Tmpfs.
  [ "$(jq -c '.[0].HostConfig.Binds' <<<"$j")" = "[\"named:/n\",\"named2:/n2:ro\",\"$BATS_TEST_TMPDIR/host:/h:ro\"]" ]
  [ "$(jq -c '.[0].Config.Volumes' <<<"$j")" = '{"/anon":{},"/imgvol":{}}' ]
  [ "$(jq -c '.[0].HostConfig.Mounts' <<<"$j")" = '[{"Type":"volume","Source":"mv","Target":"/mv"}]' ]
  [ "$(jq -c '.[0].HostConfig.Tmpfs' <<<"$j")" = '{"/t":"size=2m,mode=1777"}' ]
  [ "$(jq -r '.[0].Mounts[].Destination' <<<"$j" | sort | tr '\n' ' ')" = "/anon /h /imgvol /mv /n /n2 " ]
  # Mode: a named -v or --mount volume's empty one is z; as written otherwise.
  [ "$(jq -r '.[0].Mounts | map("\(.Destination)=\(.Mode)") | sort | join(" ")' <<<"$j")" = "/anon= /h=ro /imgvol= /mv=z /n2=ro /n=z" ]
  # docker/cli's capabilities: CAP_ upper case, sorted; added wins over dropped.
  [ "$(jq -c '.[0].HostConfig | [.CapAdd, .CapDrop]' <<<"$j")" = '[["CAP_NET_ADMIN","CAP_SYS_TIME"],["CAP_CHOWN"]]' ]
  [ "$(jq -c '.[0].Config | [.StopSignal, .StopTimeout, .OpenStdin, .AttachStdin]' <<<"$j")" = '["SIGUSR1",7,true,true]' ]
  [ "$(jq -c '.[0].HostConfig.Init' <<<"$j")" = 'true' ]
  # Env as given, repeats and all, then the image's that were not given.
  [ "$(jq -c '.[0].Config.Env' <<<"$j")" = '["B=mine","Z=1","Z=2","A=img"]' ]
}

@test "a container's processes get the last value given, Docker's PATH and TERM with -t" {
  run skiff run --rm --network none -e B=mine -e Z=1 -e Z=2 busybox env
  [ "$status" -eq 0 ]
  [ "$(grep -E '^(PATH|A|B|Z|TERM)=' <<<"$output" | tr '\n' ' ')" = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin B=mine Z=2 A=img " ]
  run skiff run --rm --network none -t busybox env
  [ "$status" -eq 0 ]
  grep -qx 'TERM=xterm' <<<"${output//$'\r'/}"
}

@test "run -d attaches nothing; a foreground run -i attaches stdin once" {
  skiff run -d --name det --network none busybox sleep 60 >/dev/null
  run skiff inspect --format '{{json .Config.AttachStdin}} {{json .Config.AttachStdout}} {{json .Config.AttachStderr}} {{json .Config.StdinOnce}}' det
  [ "$output" = "false false false false" ]
  run skiff run -i --name fg --network none busybox true </dev/null
  [ "$status" -eq 0 ]
  run skiff inspect --format '{{json .Config.AttachStdin}} {{json .Config.AttachStdout}} {{json .Config.StdinOnce}}' fg
  [ "$output" = "true true true" ]
}

@test "inspect --size shows SizeRw and SizeRootFs" {
  skiff run --name sized --network none busybox sh -c 'head -c 100000 /dev/zero >/written' >/dev/null
  run skiff inspect --size sized
  [ "$status" -eq 0 ]
  local rw root
  rw=$(jq '.[0].SizeRw' <<<"$output")
  root=$(jq '.[0].SizeRootFs' <<<"$output")
  [ "$rw" -ge 100000 ] && [ "$rw" -lt 200000 ]
  [ "$root" -eq $((rw + $(skiff image inspect --format '{{.Size}}' busybox))) ]
  run skiff container inspect -s --format '{{.SizeRw}}' sized
  [ "$output" = "$rw" ]
}

@test "image inspect: every key Docker emits, the Config shape complete" {
  run skiff image inspect busybox
  [ "$status" -eq 0 ]
  local j=$output
  [ "$(keys_of "$j" '.[0]')" = "$(sorted "$IMAGE_KEYS")" ]
  [ "$(keys_of "$j" '.[0].Config')" = "$(sorted "$CONFIG_KEYS")" ]
  [ "$(keys_of "$j" '.[0].ContainerConfig')" = "$(sorted "$CONFIG_KEYS")" ]
  [ "$(keys_of "$j" '.[0].RootFS')" = "Layers Type " ]
  [ "$(jq -c '.[0] | [.Parent, .Container, .DockerVersion, .Metadata, .VirtualSize == .Size]' <<<"$j")" = '["","","",{"LastTagTime":"0001-01-01T00:00:00Z"},true]' ]
  [ "$(jq -c '.[0].Config | [.Cmd, .Env, .Volumes, .Entrypoint, .Image, .OnBuild, .Labels, .AttachStdout]' <<<"$j")" = '[["sh"],["A=img","B=img"],{"/imgvol":{}},null,"",null,null,false]' ]
}

# Docker prints inspect's JSON in Go's field order (the daemon's
# encoding/json), maps' keys sorted; skiff too, in --format's {{json}}.
@test "inspect, image inspect, volume inspect: keys in Docker's order" {
  skiff create --name ord --network none -l b=2 -l a=1 -v ordv:/data --mount type=volume,src=mv,dst=/mv \
    --tmpfs /t --init --stop-signal SIGUSR1 busybox sleep 60 >/dev/null
  j=$(skiff inspect ord)
  [ "$(ordered_keys "$j" '.[0]')" = "$(words "$CONTAINER_KEYS")" ]
  [ "$(ordered_keys "$j" '.[0].State')" = "$(words "$STATE_KEYS")" ]
  [ "$(ordered_keys "$j" '.[0].NetworkSettings')" = "$(words "$NETWORK_KEYS")" ]
  [ "$(ordered_keys "$j" '.[0].NetworkSettings.Networks.none')" = "$(words "$ENDPOINT_KEYS")" ]
  # Tmpfs, Mounts and Init in their places among HostConfig's fields.
  [ "$(ordered_keys "$j" '.[0].HostConfig' | tr ' ' '\n' | grep -nx -e SecurityOpt -e Tmpfs -e UTSMode -e Mounts \
         -e MaskedPaths -e ReadonlyPaths -e Init | cut -d: -f2 | tr '\n' ' ')" = \
    "SecurityOpt Tmpfs UTSMode Mounts MaskedPaths ReadonlyPaths Init " ]
  [ "$(ordered_keys "$j" '.[0].HostConfig' | tr ' ' '\n' | grep -v -x -e Tmpfs -e Mounts -e Init | tr '\n' ' ')" = \
    "$(words "$HOSTCONFIG_KEYS")" ]
  [ "$(ordered_keys "$j" '.[0].Config')" = "$(words "Hostname Domainname User AttachStdin AttachStdout AttachStderr
    Tty OpenStdin StdinOnce Env Cmd Image Volumes WorkingDir Entrypoint OnBuild Labels StopSignal")" ]
  [ "$(ordered_keys "$j" '.[0].Mounts[] | select(.Name == "ordv")')" = "Type Name Source Destination Driver Mode RW Propagation " ]
  [ "$(ordered_keys "$j" '.[0].HostConfig.Mounts[0]')" = "Type Source Target " ]
  [ "$(ordered_keys "$j" '.[0].HostConfig.LogConfig')" = "Type Config " ]
  [ "$(ordered_keys "$j" '.[0].HostConfig.RestartPolicy')" = "Name MaximumRetryCount " ]
  # Maps sorted, as Go's encoding/json sorts a map's keys.
  [ "$(ordered_keys "$j" '.[0].Config.Labels')" = "a b " ]
  # The templates' {{json}} prints the same order; the compact form too.
  [ "$(skiff inspect -f '{{json .State}}' ord | jq -r 'keys_unsorted | join(" ")')" = "$(words "$STATE_KEYS" | sed 's/ $//')" ]
  [ "$(skiff inspect -f '{{json .Config.Labels}}' ord)" = '{"a":"1","b":"2"}' ]
  [ "$(skiff inspect -f json ord | jq -r '.[0] | keys_unsorted[0:3] | join(" ")')" = "Id Created Path" ]

  j=$(skiff image inspect busybox)
  [ "$(ordered_keys "$j" '.[0]')" = "$(words "$IMAGE_KEYS")" ]
  [ "$(ordered_keys "$j" '.[0].RootFS')" = "Type Layers " ]
  [ "$(ordered_keys "$j" '.[0].Config')" = "$(words "$CONFIG_KEYS")" ]
  j=$(skiff volume inspect ordv)
  [ "$(ordered_keys "$j" '.[0]')" = "CreatedAt Driver Labels Mountpoint Name Options Scope " ]
  skiff rm ord >/dev/null
}
