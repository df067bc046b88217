#!/usr/bin/env python3
"""Runs one command and prints what it cost: wall seconds, the controller's CPU seconds (user +
system, all its processes), the controller's peak memory in MB and the CPU seconds the managed
hosts spent meanwhile (the Docker containers named in BENCH_CONTAINERS, from their cgroups, and
the processes named in BENCH_HOST_PIDS, such as the light hosts' server, from /proc).
Memory is the peak over time of the summed proportional set size (PSS) of every process in the
command's session, so forked workers that share pages (Ansible's forks) are not counted twice.
With --rss it also prints the peak resident set size in MB of the command's largest process
(getrusage's ru_maxrss), which counts shared pages in full.
usage: measure.py LOG [--rss] -- COMMAND...   (the command's output goes to LOG; exits with its status)"""
import os
import sys
import threading
import time


def session_pss_kb(sid):
    total = 0
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % pid) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            if int(fields[3]) != sid:  # session id
                continue
            with open('/proc/%s/smaps_rollup' % pid) as f:
                for line in f:
                    if line.startswith('Pss:'):
                        total += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            pass  # the process ended while being read
    return total


def container_cpu_s(ids):
    total = 0.0
    for cid in ids:
        for path, scale in (('/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage' % cid, 1e-9),
                            ('/sys/fs/cgroup/system.slice/docker-%s.scope/cpu.stat' % cid, 1e-6)):
            try:
                with open(path) as f:
                    text = f.read()
            except OSError:
                continue
            value = text.split()[0] if scale == 1e-9 else text.split('usage_usec')[1].split()[0]
            total += int(value) * scale
            break
        else:
            raise SystemExit('measure.py: no CPU accounting found for container %s' % cid)
    return total


def pids_cpu_s(pids):
    total = 0.0
    for pid in pids:
        with open('/proc/%s/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')  # utime, stime
    return total


def hosts_cpu_s(containers, pids):
    return container_cpu_s(containers) + pids_cpu_s(pids)


def main():
    log, cmd = sys.argv[1], sys.argv[sys.argv.index('--') + 1:]
    rss = '--rss' in sys.argv[2:sys.argv.index('--')]
    containers = os.environ.get('BENCH_CONTAINERS', '').split()
    pids = os.environ.get('BENCH_HOST_PIDS', '').split()
    hosts_before = hosts_cpu_s(containers, pids)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], session_pss_kb(pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    done.set()
    sampler.join()
    # wait4 gives the child's own usage and that of the descendants it waited for.
    hosts = hosts_cpu_s(containers, pids) - hosts_before
    line = '%.3f %.3f %.1f %.3f' % (wall, usage.ru_utime + usage.ru_stime, peak[0] / 1024, hosts)
    print(line + (' %.1f' % (usage.ru_maxrss / 1024) if rss else ''))
    sys.exit(os.waitstatus_to_exitcode(status))


main()
