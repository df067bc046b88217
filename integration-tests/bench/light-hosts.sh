#!/usr/bin/env bash
# Controller scale: `uirig check` against many light stand-in hosts on this machine.
#   usage: bash integration-tests/bench/light-hosts.sh [N[,N...]] [RUNS]   (defaults: 2,10,50,200,1000 and 3)
# A light host is one port of one SSH server on 127.0.0.1 (com.uirig.bench.LightHosts, test code:
# built by `mvn -DskipTests package` into target/test-classes, never into the jar) that answers
# uirig's probe, and apply's lock and probe, from a converged host's saved sections
# (com.uirig.bench.ConvergedSections). The inventory is N copies of prod's server-a (h0001..hN,
# its playbooks, without the reachability expectations, which need the real network), paired as
# peers; every check must find every host in sync (exit 0), so each run is a whole check:
# connect, probe, parse, plan, report.
# Figures (measure.py): wall time, the controller's CPU time (user + system), CPU per host, peak
# memory (summed PSS, and the JVM's peak RSS) and the light hosts' own CPU time: median, min and
# max of RUNS, printed as a table and written to light-hosts.json in the working directory.
# LIGHT_CHECK_OPTS adds options to the measured checks (for example '--forks 100').
# LIGHT_APPLY=yes also measures a no-op `uirig apply --yes` (the light hosts answer its lock and
# probe too; its journal goes to the work directory) after each check, so both run in the same
# conditions, each RUNS times; LIGHT_CHECK_OPTS applies to both. Its figures are printed and
# written (under "apply") beside check's.
# LIGHT_ROUND_TRIP=MS puts delay-proxy.py (MS round trip, see bench.sh) in front of every light
# host, so that (wall at MS - wall at 0) / MS counts the round trips a check waits for.
# Needs Java 17 and Maven (no Docker, no root); everything listens on 127.0.0.1 only.
set -euo pipefail
sizes=${1:-2,10,50,200,1000}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
uirig=$root/orchestrator/uirig
out=$PWD
server=
proxy=
rtt=${LIGHT_ROUND_TRIP:-0}
apply=${LIGHT_APPLY:-}

cleanup() {
    if [ -n "$proxy" ]; then
        kill "$proxy" 2>/dev/null || true
        wait "$proxy" 2>/dev/null || true
    fi
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

[[ $rtt =~ ^[0-9]+$ ]] && [ "$rtt" -le 1000 ] || {
    echo "light-hosts: LIGHT_ROUND_TRIP is 0 to 1000 ms: $rtt" >&2
    exit 1
}
case $apply in
    '' | yes) ;;
    *) echo "light-hosts: LIGHT_APPLY is yes or unset: $apply" >&2; exit 1 ;;
esac
max=0
for n in ${sizes//,/ }; do
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 9999 ] || {
        echo "light-hosts: N must be 2..9999 (every copy of server-a needs a peer): $n" >&2
        exit 1
    }
    [ "$n" -gt "$max" ] && max=$n
done

# The jar and the test classes (the stand-in and the facts generator); offline when it can be.
(cd "$root" && { mvn -o -q -B -DskipTests package >/dev/null 2>&1 || mvn -q -B -DskipTests package >/dev/null; })
cp="$root/target/test-classes:$root/target/uirig.jar"

# N copies of server-a: prod's shared values (without the expectations), then one host each at
# its light host's port. The facts do not depend on the ports, so they are generated from a first
# inventory whose ports are placeholders.
mkdir -p "$work/inventory" "$work/hosts"
cp -r "$root/playbooks" "$work/playbooks"
head_of_prod() {
    sed -n '1,/^hosts:/p' "$root/inventory/prod/hosts.yml" \
        | sed "s|identity: ~/.ssh/uirig_ed25519|identity: $work/hosts/id_ed25519|; s|known_hosts: ../../orchestrator/known_hosts|known_hosts: $1|" \
        | grep -v 'playbooks/expectations.yml'
}
# server-a's own variables, as the inventory gives them.
server_a_vars=$(sed -n '/^  server-a:/,/^$/p' "$root/inventory/prod/hosts.yml" | sed -n '/^    vars:/,$p' | sed '/^$/d')
inventory() {
    local n=$1 dir=$2 ports=$3 i p
    mkdir -p "$dir"
    head_of_prod "$dir/known_hosts" > "$dir/hosts.yml"
    for i in $(seq 1 "$n"); do
        # Peers in pairs (1-2, 3-4, ...); an odd last one pairs with the first.
        if [ $((i % 2)) -eq 1 ]; then p=$((i < n ? i + 1 : 1)); else p=$((i - 1)); fi
        printf '  h%04d:\n    ssh: {address: 127.0.0.1, port: %s}\n    peer: h%04d\n%s\n' \
            "$i" "$(sed -n "${i}p" "$ports")" "$p" "$server_a_vars" >> "$dir/hosts.yml"
    done
}
seq 1 "$max" | sed 's/.*/22/' > "$work/placeholder-ports"
inventory "$max" "$work/inventory/facts" "$work/placeholder-ports"
java -cp "$cp" com.uirig.bench.ConvergedSections "$work/inventory/facts" "$work/facts"

# The light hosts: one process, one port per host, bounded in time (it stops by itself).
java -XX:+UseSerialGC -cp "$cp" com.uirig.bench.LightHosts "$work/facts" "$work/hosts" 3600 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
    grep -q '^ready' "$work/server.log" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { echo "light-hosts: the light hosts did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
grep -q '^ready' "$work/server.log" || { echo "light-hosts: the light hosts did not start within 60 s" >&2; exit 1; }
awk '{print $2}' "$work/hosts/ports" > "$work/ports"
cp "$work/hosts/known_hosts" "$work/known_hosts"
if [ "$rtt" -gt 0 ]; then
    # The checks reach each light host through the proxy's port: the inventory and known_hosts name those.
    python3 "$here/delay-proxy.py" "$rtt" $(sed 's/^/0:/' "$work/ports") > "$work/proxy.out" 2>&1 &
    proxy=$!
    for _ in $(seq 1 600); do
        grep -q '^ready' "$work/proxy.out" 2>/dev/null && break
        sleep 0.1
    done
    grep -q '^ready' "$work/proxy.out" || { echo "light-hosts: the delay proxy did not start:" >&2; cat "$work/proxy.out" >&2; exit 1; }
    head -n 1 "$work/proxy.out" | cut -d' ' -f2- | tr ' ' '\n' > "$work/proxy-ports"
    paste -d' ' "$work/ports" "$work/proxy-ports" > "$work/port-map"
    awk 'NR == FNR { to[$1] = $2; next } { split($1, a, ":"); print a[1] ":" to[a[2]] substr($0, length($1) + 1) }' \
        "$work/port-map" "$work/hosts/known_hosts" > "$work/known_hosts"
    cp "$work/proxy-ports" "$work/ports"
fi
export BENCH_HOST_PIDS=$server

results=$work/results.txt
: > "$results"
measure() {
    local rows=$1
    shift
    if ! python3 "$here/measure.py" "$work/last.log" --rss -- "$@" >> "$rows"; then
        echo "light-hosts: '$*' failed (every host must be in sync):" >&2
        tail -n 30 "$work/last.log" >&2
        exit 1
    fi
}
for n in ${sizes//,/ }; do
    inv=$work/inventory/light-$n
    inventory "$n" "$inv" "$work/ports"
    head -n "$n" "$work/known_hosts" > "$inv/known_hosts"
    # Unmeasured: the saved facts alone must be in sync, and a first live check warms the light
    # hosts' JVM and writes uirig's class-data archive (the launcher does it on a first check).
    "$uirig" check "$inv" --facts "$work/facts" > "$work/last.log" 2>&1 \
        || { echo "light-hosts: the saved facts are not in sync:" >&2; tail -n 30 "$work/last.log" >&2; exit 1; }
    "$uirig" check "$inv" > "$work/last.log" 2>&1 \
        || { echo "light-hosts: check against $n light hosts failed:" >&2; tail -n 30 "$work/last.log" >&2; exit 1; }
    if [ -n "$apply" ]; then
        # Unmeasured, as the first check: the saved facts must need no change.
        "$uirig" apply "$inv" --yes --journal "$work/journal" > "$work/last.log" 2>&1 \
            || { echo "light-hosts: a no-op apply against $n light hosts failed:" >&2; tail -n 30 "$work/last.log" >&2; exit 1; }
        echo "== $n light hosts: uirig check and uirig apply --yes, in turn, x $runs" >&2
    else
        echo "== $n light hosts: uirig check x $runs" >&2
    fi
    : > "$work/rows"
    : > "$work/apply-rows"
    for _ in $(seq 1 "$runs"); do
        measure "$work/rows" "$uirig" check "$inv" ${LIGHT_CHECK_OPTS:-}
        if [ -n "$apply" ]; then
            measure "$work/apply-rows" "$uirig" apply "$inv" --yes --journal "$work/journal" ${LIGHT_CHECK_OPTS:-}
        fi
    done
    for tool in check ${apply:+apply}; do
        rows=$work/rows
        [ "$tool" = apply ] && rows=$work/apply-rows
        echo "$tool $n $(python3 - "$rows" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
print(" ".join("%.3f %.3f %.3f" % (statistics.median(c), min(c), max(c)) for c in zip(*rows)))
PY
)" >> "$results"
    done
done

python3 - "$results" "$runs" "$out/light-hosts.json" "${LIGHT_CHECK_OPTS:-}" "$rtt" <<'PY'
import json, os, platform, sys
KEYS = ["wall_s", "cpu_s", "peak_pss_mb", "hosts_cpu_s", "peak_rss_mb"]
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
runs = int(sys.argv[2])
applied = [r[1:] for r in rows if r[0] == "apply"]
rows = [r[1:] for r in rows if r[0] == "check"]
mem = next((int(l.split()[1]) // 1024 for l in open('/proc/meminfo') if l.startswith('MemTotal')), None)
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
result = {"runs": runs, "check_options": sys.argv[4], "round_trip_ms": int(sys.argv[5]),
          "machine": {"cpus": os.cpu_count(), "cpu": cpu, "memory_mb": mem, "kernel": platform.release()},
          "goal": {"hosts": 1000, "wall_s_below": 30, "peak_rss_mb_below": 1024}, "sizes": {}}
print("\nuirig check against N light hosts: median (min-max) of %d runs. Controller: wall time, CPU (user+system),"
      " peak memory (summed PSS; peak RSS of the JVM). Light hosts' CPU: the stand-in server meanwhile." % runs)
print("%5s %22s %22s %9s %22s %22s %22s" % ("hosts", "wall s", "CPU s", "CPU/host", "peak PSS MB", "peak RSS MB",
                                             "light hosts CPU s"))


def table(rows, into):
    for r in rows:
        n, v = r[0], list(map(float, r[1:]))
        f = {k: {"median": v[3 * i], "min": v[3 * i + 1], "max": v[3 * i + 2]} for i, k in enumerate(KEYS)}
        f["cpu_per_host_s"] = round(f["cpu_s"]["median"] / int(n), 4)
        into[n] = f
        cells = {k: "%7.2f (%.2f-%.2f)" % (f[k]["median"], f[k]["min"], f[k]["max"]) for k in KEYS}
        print("%5s %22s %22s %9.4f %22s %22s %22s" % (n, cells["wall_s"], cells["cpu_s"], f["cpu_per_host_s"],
                                                      cells["peak_pss_mb"], cells["peak_rss_mb"], cells["hosts_cpu_s"]))


table(rows, result["sizes"])
if applied:
    print("uirig apply --yes (nothing to do), each run right after a check of the table above, same columns:")
    result["apply"] = {}
    table(applied, result["apply"])
big = result["sizes"].get("1000")
if big:
    ok_wall, ok_mem = big["wall_s"]["median"] < 30, big["peak_rss_mb"]["median"] < 1024
    result["goal"].update({"wall_met": ok_wall, "memory_met": ok_mem})
    print("goal, 1000 light hosts checked in under 30 s with under 1 GB peak: wall %.2f s (%s), peak RSS %.0f MB (%s)"
          % (big["wall_s"]["median"], "met" if ok_wall else "MISSED", big["peak_rss_mb"]["median"],
             "met" if ok_mem else "MISSED"))
json.dump(result, open(sys.argv[3], "w"), indent=2)
print("figures written to %s" % sys.argv[3])
PY
