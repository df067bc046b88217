#!/usr/bin/env bash
# Benchmark: uirig against the physical floor on N simulated FreeBSD hosts.
#   usage: bash integration-tests/bench/bench.sh [N] [RUNS]      (defaults: N=2, RUNS=3)
# Starts N simulated hosts (the integration-test image), applies the seed's playbooks once, then
# measures RUNS times each, on the controller:
#   floor       OpenSSH (BatchMode) to every host in parallel, each running uirig's own probe script
#   check       uirig check (everything in sync)
#   apply-noop  uirig apply --yes (everything in sync)
# and prints wall time, CPU time (user+sys, children included) and peak RSS: median, min, max.
# The same figures go to bench-N.json in the working directory. Needs root, Docker, debootstrap.
# The Ansible comparison of the issue is not part of it yet.
set -euo pipefail
n=${1:-2}
runs=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
tag=uirig-bench-$$
net=$tag-lan
jar=$root/target/uirig.jar

cleanup() {
    docker ps -aq --filter "name=$tag-" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker network rm "$net" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

image=$(cd "$root" && bash integration-tests/image/build.sh 2>/dev/null | tail -n 1)
(cd "$root" && mvn -q -B -DskipTests package >/dev/null)
ssh-keygen -q -t ed25519 -N '' -f "$work/id_ed25519"
docker network create --internal --subnet 192.168.56.0/24 "$net" >/dev/null

echo "starting $n simulated hosts from $image" >&2
for i in $(seq 1 "$n"); do
    docker run -d --name "$tag-$i" --cap-add NET_ADMIN --cap-add SYS_ADMIN -p 127.0.0.1::22 "$image" >/dev/null
done
for i in $(seq 1 "$n"); do
    c=$tag-$i
    docker cp "$work/id_ed25519.pub" "$c:/root/.ssh/authorized_keys"
    docker exec "$c" sh -c 'chown root:root /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys'
    docker network connect "$net" "$c"
    docker exec "$c" /usr/lib/uirig-sim/boot
done

# The inventory: prod's shared values, N hosts paired as peers (1-2, 3-4, ...; an odd last one
# pairs with host-1), private addresses from separate ranges of the LAN.
inv=$work/inventory/bench
mkdir -p "$inv"
cp -r "$root/playbooks" "$work/playbooks"
sed -n '1,/^hosts:/p' "$root/inventory/prod/hosts.yml" \
    | sed "s|identity: ~/.ssh/uirig_ed25519|identity: $work/id_ed25519|; s|known_hosts: ../../orchestrator/known_hosts|known_hosts: $work/known_hosts|" \
    > "$inv/hosts.yml"
peer() {
    local i=$1
    if [ $((i % 2)) -eq 1 ]; then
        if [ "$i" -lt "$n" ]; then echo $((i + 1)); else echo 1; fi
    else
        echo $((i - 1))
    fi
}
for i in $(seq 1 "$n"); do
    port=$(docker port "$tag-$i" 22 | head -n 1 | sed 's/.*://')
    p=$(peer "$i")
    cat >> "$inv/hosts.yml" <<EOF
  host-$i:
    ssh: {address: 127.0.0.1, port: $port}
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
done
[ "$n" -le 50 ] || { echo "at most 50 hosts: the private addresses come from one /24" >&2; exit 1; }

uirig() { java -jar "$jar" "$@"; }
uirig trust "$inv" --yes >/dev/null
for i in $(seq 1 "$n"); do
    uirig facts "$inv" --host "host-$i" --show-probe > "$work/probe-$i.sh"
done

# One measurement: wall seconds, CPU seconds (user+sys, children included), peak RSS in MB.
# A command that fails is reported with its output (kept in $work/last.log) and stops the run.
measure() {
    local out=$work/time.txt
    if ! /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >"$work/last.log" 2>&1; then
        echo "bench: '$*' failed:" >&2
        tail -n 20 "$work/last.log" >&2
        exit 1
    fi
    tail -n 1 "$out" | awk '{printf "%.3f %.3f %.1f\n", $1, $2 + $3, $4 / 1024}'
}
floor() {
    for i in $(seq 1 "$n"); do
        port=$(awk -v h="host-$i:" '$1 == h {getline; print $5}' "$inv/hosts.yml" | tr -d '}')
        ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
            -i "$work/id_ed25519" -p "$port" root@127.0.0.1 /bin/sh -s < "$work/probe-$i.sh" >/dev/null &
    done
    wait
}
export -f floor
export n inv work

echo "fresh apply of $n hosts" >&2
fresh=$(measure java -jar "$jar" apply "$inv" --yes --journal "$work/journal" --forks "$n" --timeout 120)

results=()
for name in floor check apply-noop; do
    rows=()
    for _ in $(seq 1 "$runs"); do
        case $name in
            floor) rows+=("$(measure bash -c floor)") ;;
            check) rows+=("$(measure java -jar "$jar" check "$inv" --forks "$n" --timeout 120)") ;;
            apply-noop) rows+=("$(measure java -jar "$jar" apply "$inv" --yes --journal "$work/journal" --forks "$n" --timeout 120)") ;;
        esac
    done
    results+=("$name $(printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
cols = list(zip(*rows))
print(" ".join("%.3f %.3f %.3f" % (statistics.median(c), min(c), max(c)) for c in cols))')")
done

printf '\n%d hosts, %d runs each (median / min / max); fresh apply: %s s wall, %s s CPU, %s MB peak\n' \
    "$n" "$runs" $(echo "$fresh")
printf '%-11s %26s %26s %26s\n' tool "wall s" "CPU s" "peak RSS MB"
for r in "${results[@]}"; do
    set -- $r
    printf '%-11s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}"
done
python3 - "$n" "$runs" "$fresh" "${results[@]}" > "bench-$n.json" <<'PY'
import json, sys
n, runs, fresh = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split()
out = {"hosts": n, "runs": runs, "machine": {"cpus": __import__("os").cpu_count()},
       "fresh_apply": {"wall_s": float(fresh[0]), "cpu_s": float(fresh[1]), "peak_rss_mb": float(fresh[2])}, "tools": {}}
for r in sys.argv[4:]:
    f = r.split()
    v = list(map(float, f[1:]))
    out["tools"][f[0]] = {k: {"median": v[3 * i], "min": v[3 * i + 1], "max": v[3 * i + 2]}
                          for i, k in enumerate(["wall_s", "cpu_s", "peak_rss_mb"])}
floor, check = out["tools"]["floor"]["wall_s"]["median"], out["tools"]["check"]["wall_s"]["median"]
out["check_over_floor"] = round(check / floor, 2) if floor else None
print(json.dumps(out, indent=2))
PY
echo "figures written to bench-$n.json" >&2
