#!/usr/bin/env python3
"""Two or more runner binaries on one collection, interleaved: round r runs each binary once,
in turn (reversed every other round), so a machine that slows down or speeds up during the
comparison weighs on each the same. Prints each binary's median, 25th percentile and fastest
wall time, and its median user and system CPU time.

    bench/ab.py ROUNDS COLLECTION RUNNER_A RUNNER_B [RUNNER ...]

Start the target first (bench/start-nginx.sh) and generate the workloads (bench/run does
both), e.g.: bench/ab.py 60 /tmp/runner-bench/workloads/w1-1000.yaml ./old ./new
"""
import resource
import statistics
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    rounds, collection, binaries = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    wall = {b: [] for b in binaries}
    cpu = {b: [] for b in binaries}
    for r in range(rounds):
        for binary in binaries if r % 2 == 0 else binaries[::-1]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run([binary, "run", collection], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            wall[binary].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[binary].append((after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime))
    for binary in binaries:
        times = sorted(wall[binary])
        user = statistics.median(c[0] for c in cpu[binary])
        system = statistics.median(c[1] for c in cpu[binary])
        print(f"{binary}: wall median {statistics.median(times) * 1e3:.1f} ms, "
              f"p25 {times[len(times) // 4] * 1e3:.1f}, fastest {times[0] * 1e3:.1f}; "
              f"user {user * 1e3:.1f} ms, system {system * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
