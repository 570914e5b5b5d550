"""Fallback timer when hyperfine is not installed: runs each command WARMUP times untimed, then
at least MIN_RUNS times (and for at least 3 s, at most 30 runs), and writes hyperfine-shaped
JSON ({"results": [{"command", "median", "mean", "stddev", "min", "max", "times"}]}).
Usage: timeit.py WARMUP MIN_RUNS OUT.json NAME=COMMAND ..."""
import json, os, shlex, statistics, subprocess, sys, time

warmup, min_runs, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
results = []
for pair in sys.argv[4:]:
    name, cmd = pair.split("=", 1)
    argv = shlex.split(cmd)
    run = lambda: subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               check=not os.environ.get("IGNORE_FAILURE"))
    for _ in range(warmup):
        run()
    times, began = [], time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - began < 3 and len(times) < 30):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    r = {"command": name, "median": statistics.median(times), "mean": statistics.mean(times),
         "stddev": statistics.stdev(times) if len(times) > 1 else 0.0, "min": min(times), "max": max(times),
         "times": times}
    results.append(r)
    print(f"{name}: median {r['median'] * 1000:.1f} ms over {len(times)} runs", file=sys.stderr)
json.dump({"results": results}, open(out, "w"), indent=1)
