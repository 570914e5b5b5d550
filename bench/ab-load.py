#!/usr/bin/env python3
"""Load-only W1 (`runner run w1-N.yaml` against a closed port: the first step fails, the rest
are skipped, nothing is sent) for two or more runner binaries, run alternately so that a
machine that speeds up or slows down meanwhile weighs on each the same.

    bench/ab-load.py OLD_BINARY NEW_BINARY [--n 10000] [--rounds 40]

Needs the workloads `bench/run` writes (BENCH_DIR, default /tmp/runner-bench). Prints the
median, mean and fastest wall time of each binary, in milliseconds.
"""
import argparse
import os
import statistics
import subprocess
import time

parser = argparse.ArgumentParser()
parser.add_argument("binaries", nargs="+")
parser.add_argument("--n", type=int, default=10000)
parser.add_argument("--rounds", type=int, default=40)
options = parser.parse_args()
workloads = os.path.join(os.environ.get("BENCH_DIR", "/tmp/runner-bench"), "workloads")
collection = os.path.join(workloads, f"w1-{options.n}.yaml")
arguments = ["run", "--color", "never", collection, "--var", "base_url=http://127.0.0.1:1"]
times = {binary: [] for binary in options.binaries}
for round_ in range(options.rounds):
    order = options.binaries if round_ % 2 == 0 else list(reversed(options.binaries))
    for binary in order:
        started = time.perf_counter()
        subprocess.run([binary] + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[binary].append((time.perf_counter() - started) * 1000)
for binary, measured in times.items():
    print(f"{binary}: median {statistics.median(measured):.1f} ms, "
          f"mean {statistics.mean(measured):.1f} ms, fastest {min(measured):.1f} ms")
