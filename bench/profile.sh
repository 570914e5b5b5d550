#!/usr/bin/env bash
# Profiles runner on W1 and W3 of bench/run: perf when the machine exposes hardware counters
# (`perf stat -e instructions true` counts), else valgrind's callgrind. Prints the functions
# with the most inclusive and self cost, and keeps the raw data in $BENCH_DIR/profile.
#
#   bench/profile.sh [W1|W3 ...]        (default: W1 W3)
#
# It builds a release binary with symbols (the shipped profile strips them) into
# target/profiling unless PROFILE_BIN names one. Start bench/run first (or bench/start-nginx.sh
# and bench/gen-workloads.py) so the target and the workloads exist.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/runner-bench}
BENCH_PORT=${BENCH_PORT:-18080}
N=${BENCH_N:-1000}
out="$BENCH_DIR/profile"
wl="$BENCH_DIR/workloads"
mkdir -p "$out"
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(W1 W3)

if [ -n "${PROFILE_BIN:-}" ]; then
  bin=$PROFILE_BIN
else
  echo "==> building runner with symbols (release profile, strip = false, debug = line-tables-only)" >&2
  (cd "$root" && CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
    cargo build --release --quiet --bin runner --target-dir "${CARGO_TARGET_DIR:-$root/target}/profiling")
  bin="${CARGO_TARGET_DIR:-$root/target}/profiling/release/runner"
fi
[ -x "$bin" ] || { echo "error: no runner binary at $bin" >&2; exit 1; }
BENCH_DIR=$BENCH_DIR BENCH_PORT=$BENCH_PORT "$here/start-nginx.sh"
[ -f "$wl/w1-$N.yaml" ] || python3 "$here/gen-workloads.py" "http://127.0.0.1:$BENCH_PORT" "$wl" "$N"

use_perf=0
if command -v perf >/dev/null && perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]'; then
  use_perf=1
fi

for w in "${workloads[@]}"; do
  case $w in
    W1) file="$wl/w1-$N.yaml" ;;
    W3) file="$wl/w3.yaml" ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
  if [ "$use_perf" = 1 ]; then
    echo "==> perf record: $w" >&2
    perf record -g -o "$out/$w.perf.data" "$bin" run --color never "$file" >/dev/null
    perf report -i "$out/$w.perf.data" --no-children --percent-limit 1 --stdio 2>/dev/null | head -80 |
      tee "$out/$w.perf.txt"
  else
    command -v valgrind >/dev/null || { echo "neither perf counters nor valgrind: apt-get install valgrind" >&2; exit 1; }
    echo "==> callgrind: $w (perf has no hardware counters here)" >&2
    valgrind --tool=callgrind --callgrind-out-file="$out/$w.callgrind" "$bin" run --color never "$file" \
      >/dev/null 2>"$out/$w.valgrind.log" || { tail -5 "$out/$w.valgrind.log" >&2; exit 1; }
    echo "--- $w: inclusive cost (top 40) ---"
    callgrind_annotate --inclusive=yes "$out/$w.callgrind" 2>/dev/null | sed -n '1,60p' | tee "$out/$w.inclusive.txt"
    echo "--- $w: self cost (top 40) ---"
    callgrind_annotate "$out/$w.callgrind" 2>/dev/null | sed -n '1,60p' | tee "$out/$w.self.txt"
  fi
done
echo "raw data: $out" >&2
