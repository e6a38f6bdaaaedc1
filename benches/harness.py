#!/usr/bin/env python3
"""Paired whole-process timings: run commands in turn (A B C A B C ...),
record wall time and peak memory of each run (from wait4's rusage), and
print medians plus each command's ratio to the first, pair by pair, so a
comparison holds while the machine's speed drifts.

Usage: harness.py --runs 5 --warmup 1 --setup 'shell cmd run before each run of a command' \
           --name divtrace 'cmd...' --name duckdb 'cmd...'
Each command runs through /bin/sh -c. `--setup NAME=CMD` runs CMD (untimed) before each run of NAME.
"""
import argparse, json, os, statistics, subprocess, sys, time


def run(cmd, setup=None):
    if setup:
        subprocess.run(["/bin/sh", "-c", setup], check=True, stdout=subprocess.DEVNULL)
    t0 = time.perf_counter()
    p = subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed ({status}): {cmd}\n{err}")
    return wall, ru.ru_maxrss / 1024.0, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--setup", action="append", default=[], help="NAME=shell command run untimed before each run of NAME")
    ap.add_argument("--name", action="append", nargs=2, metavar=("NAME", "CMD"), required=True)
    ap.add_argument("--json", help="write the figures here as JSON")
    a = ap.parse_args()
    setups = dict(s.split("=", 1) for s in a.setup)
    cmds = a.name
    res = {n: [] for n, _ in cmds}
    for i in range(a.warmup + a.runs):
        for n, c in cmds:
            r = run(c, setups.get(n))
            if i >= a.warmup:
                res[n].append(r)
    base = cmds[0][0]
    out = {}
    print(f"{a.runs} paired runs after {a.warmup} warm-up; median [min..max]")
    print(f"{'command':<14} {'wall s':>22} {'cpu s':>8} {'peak MiB':>9} {'wall / ' + base:>22}")
    for n, _ in cmds:
        walls = [r[0] for r in res[n]]
        mem = [r[1] for r in res[n]]
        cpu = [r[2] for r in res[n]]
        ratios = [r[0] / b[0] for r, b in zip(res[n], res[base])]
        out[n] = {"wall_median": statistics.median(walls), "wall_min": min(walls), "wall_max": max(walls),
                  "cpu_median": statistics.median(cpu), "peak_mib_max": max(mem), "ratio_median": statistics.median(ratios)}
        print(f"{n:<14} {statistics.median(walls):>8.3f} [{min(walls):.3f}..{max(walls):.3f}] {statistics.median(cpu):>8.2f} "
              f"{max(mem):>9.1f} {statistics.median(ratios):>8.2f} [{min(ratios):.2f}..{max(ratios):.2f}]")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
