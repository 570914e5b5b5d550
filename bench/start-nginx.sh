#!/usr/bin/env bash
# Starts the loopback bench target (idempotent): nginx on 127.0.0.1:$BENCH_PORT serving
#   POST /api/v1/authenticate  a token
#   GET  /api/v1/endpoint      a 20-item, 10 KB EMnify-shaped page
#   GET  /big.json             50 MB, 100,000 items
# Installs nginx-light with apt when nginx is missing and we are root.
# Adapted from ../shared/bench/start-nginx.sh.
# Usage: bench/start-nginx.sh [stop]   (env: BENCH_DIR, default /tmp/runner-bench; BENCH_PORT, default 18080)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-/tmp/runner-bench}
port=${BENCH_PORT:-18080}
pidfile="$dir/nginx.pid"
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

if [ "${1:-}" = stop ]; then
  if running; then kill "$(cat "$pidfile")"; echo "nginx stopped"; fi
  exit 0
fi

mkdir -p "$dir/body"
python3 "$here/make-fixtures.py" "$dir"
if running; then exit 0; fi
if ! command -v nginx >/dev/null && [ -x /usr/sbin/nginx ]; then PATH="$PATH:/usr/sbin"; fi
if ! command -v nginx >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing nginx-light with apt ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
  fi
fi
command -v nginx >/dev/null || { echo "error: nginx is not installed (apt-get install nginx-light)" >&2; exit 1; }
sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$here/nginx.conf.in" > "$dir/nginx.conf"
nginx -e "$dir/error.log" -c "$dir/nginx.conf" 2>/dev/null || nginx -c "$dir/nginx.conf"
for _ in $(seq 50); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/endpoint" 2>/dev/null ||
     python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/endpoint')" 2>/dev/null; then
    exit 0
  fi
  sleep 0.1
done
echo "error: nginx did not answer on 127.0.0.1:$port (see $dir/error.log)" >&2
exit 1
