"""Prints the side-by-side table (markdown) from a bench/run results directory.
Usage: summarize.py RESULTS_DIR"""
import json, os, re, statistics, sys

res = sys.argv[1]
meta = json.load(open(os.path.join(res, "meta.json")))
PEERS = [("hurl", "Hurl"), ("stepci", "Step CI"), ("newman", "Newman")]


def times(workload):
    p = os.path.join(res, f"{workload}.time.json")
    if not os.path.exists(p):
        return {}
    return {r["command"]: r for r in json.load(open(p))["results"]}


def rss(workload):
    p = os.path.join(res, f"{workload}.rss.tsv")
    found = {}
    if os.path.exists(p):
        for line in open(p):
            name, _, kib = line.rstrip("\n").partition("\t")
            if kib.strip().isdigit():
                found.setdefault(name, []).append(int(kib))
    return {name: statistics.median(v) for name, v in found.items()}


def fmt_t(seconds):
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def fmt_m(kib):
    return "—" if kib is None else f"{kib / 1024:.0f} MiB" if kib >= 10240 else f"{kib / 1024:.1f} MiB"


def cell(t, m):
    parts = [fmt_t(t["median"]) if t else None, fmt_m(m) if m else None]
    return ", ".join(p for p in parts if p) or "skipped"


def ratio(a, b):
    return None if not a or not b else a / b


def fmt_r(r):
    return "—" if r is None else f"{r:.2f}×" if r >= 0.1 else f"{r:.2g}×"


# the floor
floor_us = None
runner_over = None
p = os.path.join(res, "floor.wrk.txt")
if os.path.exists(p):
    m = re.search(r"Requests/sec:\s+([\d.]+)", open(p).read())
    if m:
        floor_us = 1e6 / float(m.group(1))

n, n_big = meta["n"], meta["n_big"]
rows, targets = [], []
header = ["workload", "floor"] + ["runner"] + [label for _, label in PEERS] + [f"runner / {label}" for _, label in PEERS]
data = {}
for workload, title, floor in [
    ("W0", "W0: start-up + 1 POST", None),
    ("W1", f"W1: auth + {n} GETs", floor_us and floor_us * (n + 1) / 1e6),
    ("W3", "W3: GET 50 MB, 2 captures + 1 expectation", None),
]:
    t, m = times(workload), rss(workload)
    data[workload] = (t, m)
    row = [title, fmt_t(floor) if floor else "—", cell(t.get("runner"), m.get("runner"))]
    for key, _ in PEERS:
        row.append(cell(t.get(key), m.get(key)) if key in t or key in m else "skipped")
    for key, _ in PEERS:
        rt = ratio(t.get("runner", {}).get("median"), t.get(key, {}).get("median"))
        rm = ratio(m.get("runner"), m.get(key))
        row.append("—" if rt is None and rm is None else f"{fmt_r(rt)} time, {fmt_r(rm)} mem")
    rows.append(row)

print(f"### Side by side — {meta['date']}, {meta['nproc']} × {meta['cpu']}, {meta['ram_gib']} GiB RAM\n")
print("Medians of the wall time of the whole process (hyperfine) and of the peak RSS (`/usr/bin/time -v`).\n")
print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
for row in rows:
    print("| " + " | ".join(row) + " |")
print()

if floor_us:
    print(f"Floor: one keep-alive connection's round trip = {floor_us:.1f} µs a request (wrk -t1 -c1), "
          f"so {n + 1} sequential requests cannot take less than {fmt_t(floor_us * (n + 1) / 1e6)}.")
    t1 = data["W1"][0]
    for key, label in [("runner", "runner")] + PEERS:
        if key in t1:
            over = (t1[key]["median"] * 1e6 - floor_us * (n + 1)) / (n + 1)
            if key == "runner":
                runner_over = over
            print(f"- {label}: {over:.0f} µs a step above the round trip (start-up included)")
    if "reqwest" in t1:
        reqwest_over = (t1["reqwest"]["median"] * 1e6 - floor_us * (n + 1)) / (n + 1)
        print(f"- reqwest alone (examples/reqwest_floor.rs: W1's requests, each body read whole, "
              f"nothing else): {reqwest_over:.0f} µs a step above the round trip"
              + (f"; runner's own part {runner_over - reqwest_over:.0f} µs" if runner_over is not None else ""))
    print()

# memory growth
tm, mm = times("MEM"), rss("MEM")
small, big = f"runner-N{n}", f"runner-N{n_big}"
growth = ratio(mm.get(big), mm.get(small))
if mm:
    print(f"| runner, W1 | N = {n} | N = {n_big} | ratio |\n|---|---|---|---|")
    for label, a, b in [("peak RSS, the run", small, big),
                        ("peak RSS, loading + checking only", small + "-load", big + "-load")]:
        if a in mm or b in mm:
            print(f"| {label} | {fmt_m(mm.get(a))} | {fmt_m(mm.get(b))} | {fmt_r(ratio(mm.get(b), mm.get(a)))} |")
    for label, a, b in [("wall time, the run", small, big),
                        ("wall time, loading + checking only", small + "-load", big + "-load")]:
        ta, tb = tm.get(a, {}).get("median"), tm.get(b, {}).get("median")
        if ta or tb:
            print(f"| {label} | {fmt_t(ta)} | {fmt_t(tb)} | {fmt_r(ratio(tb, ta))} |")
    print()
    print("(loading + checking only: the same collection against a closed port, so the first step fails "
          "and the others are skipped; nothing is sent.)\n")

# W4
t4 = times("W4")
skipped4 = os.path.exists(os.path.join(res, "W4.skipped"))
speedup = None
w4_vs_hurl = None
if t4 and t4.get("runner --jobs 2") and t4.get("hurl --jobs 2"):
    w4_vs_hurl = t4["runner --jobs 2"]["median"] / t4["hurl --jobs 2"]["median"]
if t4 or skipped4:
    print("| W4: 50 collections × 20 steps | --jobs 1 | --jobs 2 | speed-up |\n|---|---|---|---|")
    for tool in ("runner", "hurl"):
        one, two = t4.get(f"{tool} --jobs 1"), t4.get(f"{tool} --jobs 2")
        if one and two:
            s = one["median"] / two["median"]
            if tool == "runner":
                speedup = s
            print(f"| {tool} | {fmt_t(one['median'])} | {fmt_t(two['median'])} | {s:.2f}× |")
        elif tool == "runner" and skipped4:
            print("| runner | skipped: runner has no --jobs yet | | |")
    print()


# W5
w5 = None
w5_path = os.path.join(res, "W5.tsv")
if os.path.exists(w5_path):
    found = {}
    for line in open(w5_path):
        n, source, reports, seconds, kib = line.split("\t")
        found.setdefault((int(n), source, reports), []).append((float(seconds), int(kib)))
    sizes = sorted({k[0] for k in found})
    w5 = found
    print("| W5: 2-step flow per row | " + " | ".join(f"N = {n}: per iteration, peak" for n in sizes)
          + (" | per-iteration ratio |" if len(sizes) > 1 else " |"))
    print("|---|" + "---|" * (len(sizes) + (1 if len(sizes) > 1 else 0)))
    for source in ("data", "iterations"):
        for reports in ("none", "all"):
            cells, per = [], []
            for n in sizes:
                runs = found.get((n, source, reports))
                if not runs:
                    cells.append("—"); per.append(None); continue
                t = statistics.median(r[0] for r in runs) / n
                m = statistics.median(r[1] for r in runs)
                per.append(t)
                cells.append(f"{t * 1e6:.0f} µs, {fmt_m(m)}")
            label = f"`--{source}`" + (" + JSON, JUnit, TAP, HTML" if reports == "all" else "")
            extra = ""
            if len(sizes) > 1:
                extra = f" {fmt_r(ratio(per[-1], per[0]))} |"
            print(f"| {label} | " + " | ".join(cells) + " |" + extra)
    print()


def verdict(value, limit, better="lower"):
    if value is None:
        return "not measured"
    ok = value <= limit if better == "lower" else value >= limit
    return "**met**" if ok else "**missed**"


w0t, w1t, w3t = [ratio(data[w][0].get("runner", {}).get("median"), data[w][0].get("hurl", {}).get("median"))
                 for w in ("W0", "W1", "W3")]
w3m = ratio(data["W3"][1].get("runner"), data["W3"][1].get("hurl"))
load_big = tm.get(f"runner-N{n_big}-load", {}).get("median") if mm else None


def w5_ratio(reports):
    """Time per iteration at the largest N over that at the smallest, `--data`."""
    if not w5:
        return None
    sizes = sorted({k[0] for k in w5})
    per = []
    for size in (sizes[0], sizes[-1]):
        runs = w5.get((size, "data", reports))
        per.append(statistics.median(r[0] for r in runs) / size if runs else None)
    return ratio(per[1], per[0]) if len(sizes) > 1 else None


def w5_peak():
    if not w5:
        return None
    big = max(k[0] for k in w5)
    runs = [kib for (size, _, reports), v in w5.items() if size == big and reports == "all" for _, kib in v]
    return max(runs) / 1024 if runs else None


print("| target (issue 20) | measured | |\n|---|---|---|")
for label, value, limit, better in [
    (f"loading + checking W1 N = {n_big} ≤ 50 ms (5 µs a step)", load_big and load_big * 1000, 50, "lower"),
    ("W1 ≤ 0.35 × Hurl's wall time", w1t, 0.35, "lower"),
    ("runner's time above the round trip ≤ 15 µs a step (W1)", runner_over, 15, "lower"),
    ("W4 --jobs 2 ≥ 1.8 × faster than --jobs 1", speedup, 1.8, "higher"),
    ("W4 --jobs 2 ≤ 0.35 × Hurl's --jobs 2", w4_vs_hurl, 0.35, "lower"),
    ("W3 ≤ 0.05 × Hurl's wall time", w3t, 0.05, "lower"),
    ("W3 ≤ 0.1 × Hurl's peak memory", w3m, 0.1, "lower"),
    ("W5 time per iteration at the largest N ≤ 1.2 × at the smallest (`--data`)", w5_ratio("none"), 1.2, "lower"),
    ("W5 the same with all four reports", w5_ratio("all"), 1.2, "lower"),
    ("W5 peak memory with all four reports ≤ 150 MiB (MiB)", w5_peak(), 150, "lower"),
]:
    shown = "—" if value is None else (f"{value:.1f}" if ("ms" in label or "µs" in label or "MiB" in label) else fmt_r(value))
    print(f"| {label} | {shown} | {verdict(value, limit, better)} |")
print()
print("Versions: " + "; ".join(f"{k} `{v}`" for k, v in meta["versions"].items() if v))
