#!/usr/bin/env python3
"""Shuffle bytes per step of the Spark route job, from a Spark event log.

    spark_eventlog.py EVENT_LOG [--json OUT]

EVENT_LOG is one application's log: a file, or the folder Spark 4 writes
by default (rolling logs: eventlog_v2_APP/events_N_APP, read in order).

The job names its Spark jobs "divtrace run R: STEP" (forward hop j, chains
level j, ...; engines/spark/divtrace_routes.py). This sums, per step, what
the tasks of that step's stages wrote to and read from the shuffle, so the
cost of each level can be read next to its chain count (docs/benchmarks.md,
*Spark*). A stage is counted under the first job that lists it (a later job
that reuses its shuffle output skips it). The log must be uncompressed
(spark.eventLog.compress=false).
"""
import json
import os
import re
import sys


def event_files(path):
    if not os.path.isdir(path):
        return [path]
    parts = [f for f in os.listdir(path) if re.match(r"events_\d+_", f)]
    if not parts:
        sys.exit(f"{path}: no events_N_* file in this folder")
    return [os.path.join(path, f) for f in sorted(parts, key=lambda f: int(f.split("_")[1]))]


def lines(path):
    for name in event_files(path):
        with open(name, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                yield name, n, line


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    path = argv[0]
    out = argv[argv.index("--json") + 1] if "--json" in argv else None
    stage_step, order, steps = {}, [], {}
    for name, n, line in lines(path):
        try:
            e = json.loads(line)
        except ValueError as err:
            sys.exit(f"{name}:{n}: not a JSON event ({err}); is the log compressed?")
        kind = e.get("Event")
        if kind == "SparkListenerJobStart":
            step = (e.get("Properties") or {}).get("spark.job.description") or "(other)"
            if step not in steps:
                steps[step] = {"jobs": 0, "shuffle_write_bytes": 0, "shuffle_write_records": 0,
                               "shuffle_read_bytes": 0}
                order.append(step)
            steps[step]["jobs"] += 1
            for s in e.get("Stage IDs", []):
                stage_step.setdefault(s, step)
        elif kind == "SparkListenerTaskEnd":
            m = e.get("Task Metrics") or {}
            step = stage_step.get(e.get("Stage ID"))
            if step is None:
                continue
            w = m.get("Shuffle Write Metrics") or {}
            r = m.get("Shuffle Read Metrics") or {}
            steps[step]["shuffle_write_bytes"] += w.get("Shuffle Bytes Written", 0)
            steps[step]["shuffle_write_records"] += w.get("Shuffle Records Written", 0)
            steps[step]["shuffle_read_bytes"] += r.get("Remote Bytes Read", 0) + r.get("Local Bytes Read", 0)
    if not order:
        sys.exit(f"{path}: no Spark job in the log")
    print(f"{'step':<36} {'jobs':>5} {'shuffle written':>16} {'records':>12} {'shuffle read':>14}")
    for step in order:
        s = steps[step]
        print(f"{step:<36} {s['jobs']:>5} {s['shuffle_write_bytes'] / 1e6:>13.1f} MB {s['shuffle_write_records']:>12,} "
              f"{s['shuffle_read_bytes'] / 1e6:>11.1f} MB")
    total = sum(s["shuffle_write_bytes"] for s in steps.values())
    print(f"{'total':<36} {'':>5} {total / 1e6:>13.1f} MB")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump([dict(step=k, **steps[k]) for k in order], f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
