#!/usr/bin/env bash
# Peer benchmark (issue #15): one unchanged poll cycle of N small JSON feeds served by
# nginx on 127.0.0.1, by curl (N GETs, 2 in flight), `borderwatch check` and urlwatch
# 2.29, each after a baseline run. Prints the median wall time of 5 runs (the clients
# take turns, so a busy machine weighs on all alike) and the median peak resident memory
# (GNU time's %M) for each N. --before PATH adds another borderwatch build as a row.
# Loopback only; nothing is installed unless --make-venv is given, and then only a venv
# under the cache directory.
#
# Needs: nginx (apt-get install nginx-light), curl, GNU time (/usr/bin/time), python3,
# a release build (cargo build --release), and urlwatch 2.29: either on PATH, in the
# venv named by --venv DIR, or made by --make-venv
# (python3 -m venv ~/.cache/borderwatch-bench/urlwatch-2.29 && …/bin/pip install urlwatch==2.29).
#
# Usage: scripts/bench-peers.sh [--bin target/release/borderwatch] [--feeds "200 1000"]
#        [--runs 5] [--venv DIR | --make-venv] [--skip-urlwatch] [--before OTHER_BINARY]
set -euo pipefail

bin=${CARGO_TARGET_DIR:-target}/release/borderwatch
feeds="200 1000"
runs=5
cache=${XDG_CACHE_HOME:-$HOME/.cache}/borderwatch-bench
venv=$cache/urlwatch-2.29
make_venv=0
skip_urlwatch=0
before=
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --feeds) feeds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --venv) venv=$2; shift 2 ;;
    --make-venv) make_venv=1; shift ;;
    --skip-urlwatch) skip_urlwatch=1; shift ;;
    --before) before=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 64 ;;
  esac
done

missing=()
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || missing+=("nginx (apt-get install nginx-light)")
command -v curl >/dev/null || missing+=("curl (apt-get install curl)")
[ -x /usr/bin/time ] || missing+=("GNU time (apt-get install time)")
command -v python3 >/dev/null || missing+=("python3")
[ -x "$bin" ] && bin=$(realpath "$bin") || missing+=("$bin (cargo build --release)")
urlwatch=
if [ "$skip_urlwatch" = 0 ]; then
  if [ "$make_venv" = 1 ] && [ ! -x "$venv/bin/urlwatch" ]; then
    echo "creating $venv with urlwatch==2.29" >&2
    python3 -m venv "$venv" && "$venv/bin/pip" install --quiet 'urlwatch==2.29' >&2
  fi
  if [ -x "$venv/bin/urlwatch" ]; then
    urlwatch=$venv/bin/urlwatch
  elif command -v urlwatch >/dev/null; then
    urlwatch=$(command -v urlwatch)
  fi
  if [ -z "$urlwatch" ] || ! "$urlwatch" --version 2>/dev/null | grep -q ' 2\.29'; then
    missing+=("urlwatch 2.29 (pass --make-venv to create $venv, or --venv DIR, or --skip-urlwatch)")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${missing[@]}" >&2
  exit 69
fi

dir=$(mktemp -d)
chmod 755 "$dir" # nginx workers started by root run as nobody and must read the feeds
cleanup() {
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$dir/www" "$dir/tmp"
cat > "$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  keepalive_requests 100000;
  types { application/json json; }
  server {
    listen 127.0.0.1:$port;
    root $dir/www;
  }
}
EOF
max=$(tr ' ' '\n' <<<"$feeds" | sort -n | tail -1)
python3 - "$dir/www" "$max" <<'PY'
import json, sys
www, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    recs = [{"crossing": f"c{i}-a", "name": f"Crossing {i} A", "status": "open", "tz": "Asia/Karachi"},
            {"crossing": f"c{i}-b", "name": f"Crossing {i} B", "status": "open", "until": "2030-04-15",
             "tz": "Asia/Karachi"}]
    with open(f"{www}/f{i}.json", "w") as f:
        json.dump({"records": recs}, f)
PY
chmod -R a+rX "$dir/www"
"$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/f0.json" && break; sleep 0.05; done

# Sets cmd to the command line of client $1 for the feeds in $2; each client has its own
# working folder there (state, cache).
command_for() {
  local work=$2
  mkdir -p "$work/$1"
  [ -f "$work/$1/bw.toml" ] || cp "$work/bw.toml" "$work/$1/bw.toml" # state.db beside it
  case $1 in
    curl) cmd=(curl -fsS --parallel --parallel-max 2 -K "$work/curl.cfg") ;;
    borderwatch) cmd=("$bin" check --config "$work/borderwatch/bw.toml") ;;
    before) cmd=("$before" check --config "$work/before/bw.toml") ;;
    urlwatch) cmd=("$urlwatch" --urls "$work/urls.yaml" --config "$work/urlwatch.yaml"
      --hooks "$work/hooks.py" --cache "$work/cache.db") ;;
  esac
}

# Runs "$@" once, quietly; prints "<wall µs> <peak RSS KiB>".
measure() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -o "$dir/rss" -f %M "$@" >/dev/null 2>"$dir/err" || {
    echo "failed: $*" >&2
    cat "$dir/err" >&2
    exit 1
  }
  end=$(date +%s%N)
  echo "$(((end - start) / 1000)) $(tail -1 "$dir/rss")"
}

# The median of each column of "<µs> <KiB>" lines, as "<ms> <MiB>".
medians() {
  local rows
  rows=$(cat)
  local mid=$((($(wc -l <<<"$rows") + 1) / 2))
  local t m
  t=$(cut -d' ' -f1 <<<"$rows" | sort -n | sed -n "${mid}p")
  m=$(cut -d' ' -f2 <<<"$rows" | sort -n | sed -n "${mid}p")
  awk -v t="$t" -v m="$m" 'BEGIN { printf "%.1f %.1f\n", t / 1000, m / 1024 }'
}

printf '| N | client | time (median of %s) | peak RSS |\n|---|---|---|---|\n' "$runs"
for n in $feeds; do
  work=$dir/n$n
  mkdir -p "$work"
  : > "$work/curl.cfg"
  {
    echo '[daemon]'
    echo 'state = "state.db"'
  } > "$work/bw.toml"
  : > "$work/urls.yaml"
  for i in $(seq 0 $((n - 1))); do
    url="http://127.0.0.1:$port/f$i.json"
    printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >> "$work/curl.cfg"
    printf '[[feed]]\nid = "f%s"\nformat = "borderwatch-json"\nurl = "%s"\nschedule = "*/15 * * * *"\nallow_http = true\nallow_local = true\nretries = 0\n' \
      "$i" "$url" >> "$work/bw.toml"
    printf -- '---\nname: f%s\nurl: %s\n' "$i" "$url" >> "$work/urls.yaml"
  done
  cat > "$work/urlwatch.yaml" <<'EOF'
display: {new: true, error: true, unchanged: false}
report:
  text: {details: true, footer: false, line_length: 75}
  stdout: {enabled: true, color: false}
EOF
  clients=(curl borderwatch)
  [ -n "$before" ] && clients+=(before)
  [ -n "$urlwatch" ] && clients+=(urlwatch)
  for client in "${clients[@]}"; do
    # The baseline: borderwatch says 1 (changed) when it stores the first snapshots.
    command_for "$client" "$work"
    rc=0
    (cd "$work/$client" && "${cmd[@]}" >/dev/null 2>"$work/baseline.err") || rc=$?
    [ "$rc" -le 1 ] || { echo "baseline failed: ${cmd[*]}" >&2; cat "$work/baseline.err" >&2; exit 1; }
    : > "$work/$client.times"
  done
  # Round-robin, so that whatever else the machine is doing weighs on every client alike.
  for _ in $(seq 1 "$runs"); do
    for client in "${clients[@]}"; do
      command_for "$client" "$work"
      (cd "$work/$client" && measure "${cmd[@]}") >> "$work/$client.times"
    done
  done
  for client in "${clients[@]}"; do
    read -r ms mib < <(medians < "$work/$client.times")
    case $client in
      curl) what="curl, $n GETs, 2 in flight" ;;
      borderwatch) what="borderwatch check (release)" ;;
      before) what="borderwatch check, $before" ;;
      urlwatch) what="urlwatch 2.29" ;;
    esac
    printf '| %s | %s | %s ms | %s MiB |\n' "$n" "$what" "$ms" "$mib"
  done
done
