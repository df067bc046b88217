#!/usr/bin/env bash
# Benchmark: uirig against the physical floor and against Ansible on N simulated FreeBSD hosts.
#   usage: bash integration-tests/bench/bench.sh [N[,N...]] [RUNS] [RTT[,RTT...]]   (defaults: 2, 3, 0)
#   for example: bash integration-tests/bench/bench.sh 2,10 3 0,50,150
# N is 2 to 50: every server of the seed needs a peer for its spiped tunnels, so the smallest
# deployment is the seed's own pair (hosts pair up 1-2, 3-4, ...; an odd last one with host-1).
# RTT is a network round trip in milliseconds between this machine and the hosts: above 0, every
# tool reaches them through delay-proxy.py, which delays each byte by RTT/2 each way (0: loopback).
# For each N and RTT it starts N simulated hosts (the integration-test image), applies the seed's
# playbooks once with uirig (measured: the fresh apply), then measures RUNS rounds, each tool
# once per round in turn (a slow spell of the shared machine then falls on every tool alike):
#   floor          OpenSSH (BatchMode) to every host in parallel, each running uirig's own probe
#   uirig-check    uirig check (everything in sync)
#   uirig-apply    uirig apply --yes (everything in sync)
#   ansible-check  ansible-playbook --check --diff of ansible/seed.yml (same state, same files)
#   ansible-apply  ansible-playbook of the same playbook (everything in sync)
# Figures (measure.py): wall time, the controller's CPU time and peak memory, and the CPU time the
# simulated hosts spent: median, min and max, printed as a table and written to bench.json in the
# working directory. Needs root, Docker and
# debootstrap; installs Debian's ansible package when it is missing.
# The hosts are fresh FreeBSD 14 installs as in the integration tests: sshd refuses root, and pkg
# fetches every package from the simulated internet's mirror. Both tools log in as the installer's
# wheel user (admin) and run as root through doas: uirig with prod's `become: doas`, Ansible with
# become_method community.general.doas (ansible/ansible.cfg), what users of each run. The mirror
# sends at BENCH_MIRROR_RATE bytes per second per connection (default 0: unlimited), so that the
# fresh apply measures uirig rather than the downloads.
set -euo pipefail
sizes=${1:-2}
runs=${2:-3}
rtts=${3:-0}
# BENCH_TOOLS: the tools measured after the fresh apply (default all five, in this order); the
# drift comparison runs when ansible-check is among them.
tools=${BENCH_TOOLS:-floor uirig-check uirig-apply ansible-check ansible-apply}
mirror_rate=${BENCH_MIRROR_RATE:-0}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
tag=uirig-bench-$$
net=$tag-lan
# The simulated internet: an internal network 192.0.2.0/24 (prod's public addresses) that gives
# this machine no address or route on it (inhibit_ipv4; its own uplink may be 192.0.2.0/24 too),
# its bridge named (at most 15 characters) for the one iptables rule below.
inet=$tag-internet
bridge=ub$$-inet
# Docker drops frames on an internal network's bridge whose addresses are outside its subnet
# (DOCKER-ISOLATION-STAGE-1, through br_netfilter), so 1.1.1.1 and 8.8.8.8 could not be reached
# over it: this accepts what stays on that bridge, from one port to another, until cleanup.
bridge_rule=(DOCKER-USER -i "$bridge" -o "$bridge" -j ACCEPT)
rule_added=
proxy_pid=
uirig=$root/orchestrator/uirig
results=$work/results.txt
out=$PWD

stop_proxy() {
    if [ -n "$proxy_pid" ]; then
        kill "$proxy_pid" 2>/dev/null || true
        wait "$proxy_pid" 2>/dev/null || true
        proxy_pid=
    fi
}

cleanup() {
    stop_proxy
    docker ps -aq --filter "name=$tag-" | xargs -r docker rm -f >/dev/null 2>&1 || true
    # A network whose last containers are still going refuses to go: try for a while (after 50
    # hosts the simulated internet's network was once left behind, holding its subnet).
    local n
    for n in "$net" "$inet"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            docker network inspect "$n" >/dev/null 2>&1 || break
            docker network rm "$n" >/dev/null 2>&1 && break
            sleep 1
        done
    done
    if [ -n "$rule_added" ]; then
        while iptables -C "${bridge_rule[@]}" 2>/dev/null; do iptables -D "${bridge_rule[@]}"; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# An interrupted or killed run cleans up too.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

for n in ${sizes//,/ }; do
    [ "$n" -ge 2 ] && [ "$n" -le 50 ] || {
        echo "bench: N must be 2..50 (every server needs a peer; the private addresses come from one /24): $n" >&2
        exit 1
    }
done
for tool in $tools; do
    case $tool in
        floor | uirig-check | uirig-apply | ansible-check | ansible-apply) ;;
        *) echo "bench: unknown tool in BENCH_TOOLS: $tool" >&2; exit 1 ;;
    esac
done
for rtt in ${rtts//,/ }; do
    [[ $rtt =~ ^[0-9]+$ ]] && [ "$rtt" -le 1000 ] || {
        echo "bench: a round trip is 0 to 1000 ms: $rtt" >&2
        exit 1
    }
done
if ! command -v ansible-playbook >/dev/null; then
    echo "installing Debian's ansible package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q ansible >/dev/null
fi
# Ansible's doas is in the community.general collection (Debian's ansible package has it, a bare
# ansible-core does not).
if [[ $(ansible-doc -t become community.general.doas 2>/dev/null) != *COMMUNITY.GENERAL.DOAS* ]]; then
    echo "bench: Ansible has no become plugin community.general.doas (install the community.general collection)" >&2
    exit 1
fi
image=$(cd "$root" && bash integration-tests/image/build.sh 2>/dev/null | tail -n 1)
(cd "$root" && mvn -q -B -DskipTests package >/dev/null)
ssh-keygen -q -t ed25519 -N '' -f "$work/id_ed25519"
# Docker refuses a subnet another network holds: the integration tests' networks use the same two.
overlap="(a running integration test holds these subnets too: run one at a time)"
docker network create --internal --subnet 192.168.56.0/24 "$net" >/dev/null \
    || { echo "bench: cannot create the LAN network $overlap" >&2; exit 1; }
docker network create --internal --subnet 192.0.2.0/24 --gateway 192.0.2.254 \
    -o com.docker.network.bridge.inhibit_ipv4=true -o com.docker.network.bridge.name="$bridge" "$inet" >/dev/null \
    || { echo "bench: cannot create the simulated internet's network $overlap" >&2; exit 1; }
if [ -n "$(ip -4 addr show dev "$bridge")$(ip -4 route show dev "$bridge")" ]; then
    echo "bench: Docker gave this machine an address or route on $bridge; stopping" >&2
    exit 1
fi
iptables -I "${bridge_rule[@]}"
rule_added=yes
# The router of that internet, as in the integration tests (sim/internet): the resolvers pkg asks
# for pkg.FreeBSD.org (and its SRV record) and the package mirror it names.
docker run -d --name "$tag-router" --hostname internet --network "$inet" --ip 192.0.2.1 --cap-add NET_ADMIN \
    "$image" /usr/bin/tini -- /usr/lib/uirig-sim/internet resolver=1.1.1.1,8.8.8.8 mirror=192.0.2.80 \
    "mirror_rate=$mirror_rate" >/dev/null
export ANSIBLE_CONFIG=$work/ansible/ansible.cfg
cp -r "$here/ansible" "$work/ansible"
: > "$results"

# Waits (60 s at most) for a container to log MESSAGE.
wait_log() {
    local c=$1 message=$2
    for _ in $(seq 1 300); do
        [[ $(docker logs "$c" 2>&1) == *"$message"* ]] && return 0
        sleep 0.2
    done
    echo "bench: $c did not log '$message':" >&2
    docker logs --tail 20 "$c" >&2
    exit 1
}
wait_log "$tag-router" 'internet ready'

# One measurement, appended to $work/rows: wall s, CPU s, peak MB. A command that fails stops
# the benchmark and shows the end of its output.
measure() {
    if ! python3 "$here/measure.py" "$work/last.log" -- "$@" >> "$work/rows"; then
        echo "bench: '$*' failed:" >&2
        tail -n 30 "$work/last.log" >&2
        cp "$work/last.log" "$out/bench-failed.log"
        echo "bench: its whole output is in bench-failed.log" >&2
        exit 1
    fi
}

# Ansible must find the hosts in sync, or the comparison would not be like for like.
ansible_in_sync() {
    if grep -E '^host-[0-9]+ +:' "$work/last.log" | grep -vqE 'changed=0 +unreachable=0 +failed=0'; then
        echo "bench: Ansible found drift or failed on in-sync hosts:" >&2
        awk '/^TASK /{task=$0} /^(changed|failed|fatal):/{print task; print}' "$work/last.log" | head -n 40 >&2
        cp "$work/last.log" "$out/bench-failed.log"
        echo "bench: its whole output is in bench-failed.log" >&2
        exit 1
    fi
}

# Ends the SSH control masters Ansible left behind, so that every run connects afresh as uirig does.
close_ansible_masters() {
    for s in "$work"/cp/*; do
        [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true
    done
}

peer() {
    local i=$1 n=$2
    if [ $((i % 2)) -eq 1 ]; then
        if [ "$i" -lt "$n" ]; then echo $((i + 1)); else echo 1; fi
    else
        echo $((i - 1))
    fi
}

floor() {
    local i
    for i in $(seq 1 "$n"); do
        ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
            -i "$work/id_ed25519" -p "${reach[$i]}" admin@127.0.0.1 "doas -n /bin/sh -c '/bin/sh -s'" \
            < "$work/probe-$i.sh" >/dev/null &
    done
    wait
}

bench_n() {
    n=$1
    rtt=$2
    echo "== $n hosts, round trip $rtt ms: starting them from $image" >&2
    local i
    # eth0: Docker's default bridge, SSH published on loopback (how both tools reach the hosts).
    # The capabilities the integration tests give their hosts (SimulatedHosts.java); SYS_PTRACE:
    # root sees which jail (network namespace) any process is in, as FreeBSD's root does, so rc.d
    # status finds the app, which runs as www.
    for i in $(seq 1 "$n"); do
        docker run -d --name "$tag-$n-$i" --cap-add NET_ADMIN --cap-add SYS_ADMIN --cap-add SYS_PTRACE \
            -p 127.0.0.1::22 "$image" >/dev/null
    done
    ports=()
    for i in $(seq 1 "$n"); do
        c=$tag-$n-$i
        local xnic=192.0.2.$((10 + i))
        # Its entry point has run boot once (the container had no uplink yet: em0 was made a
        # placeholder veth) and started sshd.
        wait_log "$c" 'Server listening on 0.0.0.0 port 22'
        # The installer's wheel user's key (root logins are refused); start chowned ~admin/.ssh
        # before this file arrived.
        docker cp "$work/id_ed25519.pub" "$c:/home/admin/.ssh/authorized_keys"
        docker exec "$c" sh -c 'chown admin:admin /home/admin/.ssh/authorized_keys && chmod 600 /home/admin/.ssh/authorized_keys'
        # eth1: the LAN (boot makes it em1); eth2: the public NIC on the simulated internet at the
        # inventory's xnic address (boot makes it em0, with the DHCP lease's default route via
        # the router 192.0.2.1 and resolv.conf naming 1.1.1.1).
        docker network connect "$net" "$c"
        docker network connect --ip "$xnic" "$inet" "$c"
        if [[ $(docker exec "$c" ip -o -4 addr show dev eth2) != *" $xnic/24 "* ]]; then
            echo "bench: $c: eth2 is not the public NIC ($xnic):" >&2
            docker exec "$c" ip -o -4 addr >&2
            exit 1
        fi
        docker exec "$c" sh -c 'if ip link show em0-wire >/dev/null 2>&1; then ip link del em0; fi'
        docker exec -e UIRIG_SIM_UPLINK=eth2 "$c" /usr/lib/uirig-sim/boot
        # The benchmark reaches its hosts over Docker's default bridge (eth0, ports published on
        # loopback), not over the simulated internet: the simulated pf leaves that management
        # interface alone (sim/pf_nft.py, HARNESS_SKIP).
        docker exec "$c" sh -c 'mkdir -p /etc/uirig-sim && echo eth0 > /etc/uirig-sim/pf-skip'
        ports[$i]=$(docker port "$c" 22 | head -n 1 | sed 's/.*://')
    done
    BENCH_CONTAINERS=$(docker ps -q --no-trunc --filter "name=$tag-$n-" | tr '\n' ' ')
    export BENCH_CONTAINERS
    # The ports the tools connect to: the published ones, or the delay proxy's in front of them.
    reach=()
    for i in $(seq 1 "$n"); do reach[$i]=${ports[$i]}; done
    if [ "$rtt" -gt 0 ]; then
        local pairs=() line got
        for i in $(seq 1 "$n"); do pairs+=("0:${ports[$i]}"); done
        rm -f "$work/proxy.out"
        python3 "$here/delay-proxy.py" "$rtt" "${pairs[@]}" > "$work/proxy.out" 2>&1 &
        proxy_pid=$!
        line=
        for _ in $(seq 1 100); do
            line=$(head -n 1 "$work/proxy.out" 2>/dev/null || true)
            [[ $line == ready* ]] && break
            sleep 0.1
        done
        [[ $line == ready* ]] || { echo "bench: the delay proxy did not start:" >&2; cat "$work/proxy.out" >&2; exit 1; }
        read -r -a got <<< "${line#ready }"
        for i in $(seq 1 "$n"); do reach[$i]=${got[$((i - 1))]}; done
    fi

    # uirig's inventory: prod's shared values, the hosts paired as peers (1-2, 3-4, ...; an odd
    # last one pairs with host-1), private addresses from separate ranges of the LAN.
    local inv=$work/inventory/bench-$n-$rtt
    mkdir -p "$inv"
    [ -d "$work/playbooks" ] || cp -r "$root/playbooks" "$work/playbooks"
    # Without the reachability expectations: the hosts are reached through published ports on
    # loopback, not on their public addresses (and Ansible's side has no equivalent).
    sed -n '1,/^hosts:/p' "$root/inventory/prod/hosts.yml" \
        | sed "s|identity: ~/.ssh/uirig_ed25519|identity: $work/id_ed25519|; s|known_hosts: ../../orchestrator/known_hosts|known_hosts: $work/known_hosts-$n-$rtt|" \
        | grep -v 'playbooks/expectations.yml' \
        > "$inv/hosts.yml"
    # Ansible's inventory: the same hosts, their peer and the directory uirig renders their files to.
    local ainv=$work/ansible/inventory.yml
    printf 'all:\n  vars:\n    ansible_ssh_private_key_file: %s\n  hosts:\n' "$work/id_ed25519" > "$ainv"
    for i in $(seq 1 "$n"); do
        local p
        p=$(peer "$i" "$n")
        cat >> "$inv/hosts.yml" <<EOF
  host-$i:
    ssh: {address: 127.0.0.1, port: ${reach[$i]}}
    peer: host-$p
    vars:
      xnic: 192.0.2.$((10 + i))/24
      inic: 192.168.56.$((60 + i))/24
      gateway: 192.0.2.1
      ip_inode_b: 192.168.56.$((110 + i))
      ip_ipg_b: 192.168.56.$((160 + i))
      hostname_nginx_j: nginx-$i.bench
      hostname_node_j: node-$i.bench
      hostname_pg_j: pg-$i.bench
EOF
        cat >> "$ainv" <<EOF
    host-$i: {ansible_host: 127.0.0.1, ansible_port: ${reach[$i]}, peer: host-$p, files_dir: $work/rendered-$n-$rtt/host-$i}
EOF
    done

    "$uirig" trust "$inv" --yes >/dev/null
    for i in $(seq 1 "$n"); do
        "$uirig" facts "$inv" --host "host-$i" --show-probe > "$work/probe-$i.sh"
        "$uirig" render "$inv" --host "host-$i" --out "$work/rendered-$n-$rtt/host-$i" >/dev/null
    done

    echo "== $n hosts, round trip $rtt ms: fresh apply" >&2
    : > "$work/rows"
    measure "$uirig" apply "$inv" --yes --journal "$work/journal" --forks "$n" --timeout 120
    echo "$n $rtt uirig-fresh-apply $(cat "$work/rows")" >> "$results"

    local tool run
    for tool in $tools; do
        : > "$work/rows-$tool"
    done
    for run in $(seq 1 "$runs"); do
        for tool in $tools; do
            echo "== $n hosts, round trip $rtt ms: $tool, round $run of $runs" >&2
            : > "$work/rows"
            case $tool in
                floor) measure bash -c "$(declare -p n reach work; declare -f floor); floor" ;;
                uirig-check) measure "$uirig" check "$inv" --forks "$n" --timeout 120 ;;
                uirig-apply) measure "$uirig" apply "$inv" --yes --journal "$work/journal" --forks "$n" --timeout 120 ;;
                ansible-check | ansible-apply)
                    mode=(); [ "$tool" = ansible-check ] && mode=(--check --diff)
                    ANSIBLE_SSH_CONTROL_PATH_DIR=$work/cp measure ansible-playbook -f "$n" "${mode[@]}" "$work/ansible/seed.yml"
                    close_ansible_masters
                    ansible_in_sync ;;
            esac
            cat "$work/rows" >> "$work/rows-$tool"
        done
    done
    for tool in $tools; do
        echo "$n $rtt $tool $(python3 - "$work/rows-$tool" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
print(" ".join("%.3f %.3f %.3f" % (statistics.median(c), min(c), max(c)) for c in zip(*rows)))
PY
)" >> "$results"
    done
    if [[ " $tools " == *" ansible-check "* ]]; then
        drift_seen_by_both "$inv" "$tag-$n-1"
    fi
    stop_proxy
    docker ps -aq --filter "name=$tag-$n-" | xargs -r docker rm -f >/dev/null
}

# The comparison is fair only if both tools see the same drift: change a jail's rc.conf and stop
# a service on host-1, then both checks must report host-1 and only host-1.
drift_seen_by_both() {
    local inv=$1 c=$2 status=0
    docker exec "$c" sysrc -f /jails/nginx_j/etc/rc.conf hostname=drifted.bench >/dev/null
    docker exec "$c" jexec nginx_j service nginx stop >/dev/null
    "$uirig" check "$inv" --forks "$n" --timeout 120 --output json > "$work/drift.json" || status=$?
    local uirig_saw ansible_saw
    uirig_saw=$(python3 -c 'import json, sys
hosts = json.load(open(sys.argv[1]))["hosts"]
print(" ".join("%s:%d" % (h["host"], len(h["drifted"])) for h in hosts if h.get("drifted")))' "$work/drift.json")
    ANSIBLE_SSH_CONTROL_PATH_DIR=$work/cp ansible-playbook -f "$n" --check --diff "$work/ansible/seed.yml" > "$work/last.log" 2>&1 || true
    close_ansible_masters
    ansible_saw=$(grep -E '^host-[0-9]+ +:' "$work/last.log" | grep -vE 'changed=0 ' | awk '{print $1 ":" $4}' | sed 's/changed=//' | tr '\n' ' ')
    echo "== $n hosts, round trip $rtt ms: drift on host-1 (jail rc.conf hostname, nginx stopped): uirig check exit $status, changes $uirig_saw; Ansible changed tasks ${ansible_saw:-none}" >&2
    if [ "$status" -ne 2 ] || [ "${uirig_saw%%:*}" != host-1 ] || [ "${ansible_saw%%:*}" != host-1 ] \
        || [ "$(echo $uirig_saw | wc -w)" -ne 1 ] || [ "$(echo $ansible_saw | wc -w)" -ne 1 ]; then
        echo "bench: the two tools do not report the same drift" >&2
        cp "$work/last.log" "$out/bench-failed.log"
        exit 1
    fi
}

for n in ${sizes//,/ }; do
    for rtt in ${rtts//,/ }; do
        bench_n "$n" "$rtt"
    done
done

python3 - "$results" "$runs" "$out/bench.json" <<'PY'
import json, os, platform, sys
KEYS = ["wall_s", "cpu_s", "peak_mb", "hosts_cpu_s"]
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
runs = int(sys.argv[2])
mem = next((int(l.split()[1]) // 1024 for l in open('/proc/meminfo') if l.startswith('MemTotal')), None)
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
result = {"runs": runs, "machine": {"cpus": os.cpu_count(), "cpu": cpu, "memory_mb": mem,
          "kernel": platform.release()}, "sizes": {}}
for r in rows:
    n, rtt, tool, v = r[0], r[1], r[2], list(map(float, r[3:]))
    if len(v) == len(KEYS):  # a single run (the fresh apply)
        v = [x for x in v for _ in range(3)]
    size = result["sizes"].setdefault(n, {"round_trip_ms": {}})
    size["round_trip_ms"].setdefault(rtt, {"tools": {}})["tools"][tool] = {
        k: {"median": v[3 * i], "min": v[3 * i + 1], "max": v[3 * i + 2]} for i, k in enumerate(KEYS)}
print("\nmedian (min-max) of %d runs. Controller: wall time, CPU (user+system of all its processes), peak"
      " memory (summed PSS).\nHosts CPU: what the simulated hosts spent meanwhile (their cgroups)." % runs)
print("%5s %6s %-17s %22s %22s %22s %22s %9s" % ("hosts", "rtt ms", "tool", "wall s", "CPU s", "peak MB", "hosts CPU s",
                                                "CPU/host"))
for n, size in result["sizes"].items():
    for rtt, at in size["round_trip_ms"].items():
        for tool, f in at["tools"].items():
            cells = ["%7.2f (%.2f-%.2f)" % (f[k]["median"], f[k]["min"], f[k]["max"]) for k in KEYS]
            print("%5s %6s %-17s %22s %22s %22s %22s %9.3f" % (n, rtt, tool, *cells, f["cpu_s"]["median"] / int(n)))
# The goals (issue 13): check within 1.1x the floor, fresh apply at 50 ms within 1.5x its loopback
# time, Ansible's check at least 50x uirig's at 50 ms on 10 hosts.
print("\n%5s %6s %14s %22s %22s %20s" % ("hosts", "rtt ms", "check/floor", "Ansible/uirig check", "Ansible/uirig apply",
                                        "fresh / at 0 ms"))
for n, size in result["sizes"].items():
    loop = size["round_trip_ms"].get("0", {}).get("tools", {}).get("uirig-fresh-apply")
    for rtt, at in size["round_trip_ms"].items():
        wall = {t: f["wall_s"]["median"] for t, f in at["tools"].items()}
        ratio = lambda a, b: round(wall[a] / wall[b], 2) if wall.get(a) and wall.get(b) else None
        fresh = wall.get("uirig-fresh-apply")
        at["ratios"] = {"uirig_check_over_floor": ratio("uirig-check", "floor"),
                        "ansible_check_over_uirig_check": ratio("ansible-check", "uirig-check"),
                        "ansible_apply_over_uirig_apply": ratio("ansible-apply", "uirig-apply"),
                        "fresh_apply_over_loopback": round(fresh / loop["wall_s"]["median"], 2) if fresh and loop else None}
        print("%5s %6s %14s %22s %22s %20s" % (n, rtt, *at["ratios"].values()))
json.dump(result, open(sys.argv[3], "w"), indent=2)
print("figures written to %s" % sys.argv[3])
PY
