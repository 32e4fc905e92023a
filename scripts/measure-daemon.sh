#!/usr/bin/env bash
# Measures the daemon as a user runs it: time from start until systemd would hear
# READY=1 (on a real notify socket), until all 20 local feeds have their first poll
# stored, and resident memory when idle afterwards.
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
python3 - "$dir/notify.sock" "$dir/ready" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
while True:
    msg = s.recv(4096).decode()
    if msg.startswith("READY=1"):
        open(sys.argv[2], "w").write(str(time.time_ns()))
        break
PY
listener=$!
for _ in $(seq 1 500); do [ -S "$dir/notify.sock" ] && break; sleep 0.01; done
start=$(date +%s%N)
NOTIFY_SOCKET="$dir/notify.sock" "$bin" run --config "$dir/bw.toml" --log-format json > "$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  n=$(grep -c '"Baseline stored."' "$dir/log" || true)
  [ "$n" -ge 20 ] && break
  sleep 0.01
done
stored=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$listener"
ready_ms=$(( ($(cat "$dir/ready") - start) / 1000000 ))
sleep 5
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"
wait "$pid" || true
echo "feeds: 20 local files x 50 records"
echo "start to READY=1: ${ready_ms} ms"
echo "start to all first polls stored: ${stored} ms"
echo "idle resident memory (VmRSS): $((rss / 1024)) MiB (${rss} KiB)"
echo "peak resident memory (VmHWM): $((hwm / 1024)) MiB (${hwm} KiB)"
