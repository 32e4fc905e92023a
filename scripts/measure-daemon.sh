#!/usr/bin/env bash
# Measures the daemon as a user runs it: time from start until all 20 local feeds have
# their first poll stored, and resident memory when idle afterwards.
# Usage: scripts/measure-daemon.sh [path/to/borderwatch]   (default: target/release/borderwatch)
set -euo pipefail
bin=${1:-target/release/borderwatch}
[ -x "$bin" ] || { echo "build it first: cargo build --release" >&2; exit 1; }
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
{
  echo '[daemon]'
  echo 'state = "state.db"'
  for i in $(seq 1 20); do
    python3 - "$dir/feed$i.json" "$i" <<'PY'
import json, sys
path, i = sys.argv[1], int(sys.argv[2])
recs = [{"crossing": f"c{i}-{k}", "name": f"Crossing {i}-{k}", "status": "open",
         "until": "2030-04-15" if k % 3 == 0 else None, "tz": "Asia/Karachi"} for k in range(50)]
json.dump({"records": recs}, open(path, "w"))
PY
    printf '[[feed]]\nid = "feed%s"\nformat = "borderwatch-json"\npath = "feed%s.json"\nschedule = "*/15 * * * *"\n' "$i" "$i"
  done
} > "$dir/bw.toml"
start=$(date +%s%N)
"$bin" run --config "$dir/bw.toml" --log-format json > "$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  n=$(grep -c '"Baseline stored."' "$dir/log" || true)
  [ "$n" -ge 20 ] && break
  sleep 0.01
done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 5
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"
wait "$pid" || true
echo "feeds: 20 local files x 50 records"
echo "start to all first polls stored: ${ready} ms"
echo "idle resident memory (VmRSS): $((rss / 1024)) MiB (${rss} KiB)"
echo "peak resident memory (VmHWM): $((hwm / 1024)) MiB (${hwm} KiB)"
