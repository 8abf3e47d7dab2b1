#!/usr/bin/env bash
# Peak memory of a real `bianzhi serve` (release build) answering four concurrent
# snapshot downloads of the whole city (`--generate city`, ~197k persons).
#
#   cargo build --release && benches/snapshot_rss.sh [path/to/bianzhi]
#
# Prints the server's VmHWM (peak resident set, from /proc/PID/status) before and after
# the downloads, the bytes each download received and whether they are identical.
set -euo pipefail
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/bianzhi}
N=${N:-4}
dir=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/server.db
# Seed once (the first serve generates the city), then stop that server.
"$BIN" serve --db "$db" --generate city --listen 127.0.0.1:0 >"$dir/url0" 2>/dev/null &
seedpid=$!
while [ ! -s "$dir/url0" ]; do sleep 0.5; done
kill "$seedpid"; wait "$seedpid" 2>/dev/null || true
root=$(sqlite3 "$db" 'SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1' 2>/dev/null || echo 1)
token=$("$BIN" operator add 全市 --scope "$root" --db "$db" | tail -n1)
"$BIN" serve --db "$db" --listen 127.0.0.1:0 >"$dir/url" 2>/dev/null &
pid=$!
while [ ! -s "$dir/url" ]; do sleep 0.2; done
url=$(head -n1 "$dir/url")
hwm() { awk '/VmHWM/ {print $2 " " $3}' "/proc/$pid/status"; }
echo "serve pid $pid at $url; VmHWM before downloads: $(hwm)"
start=$(date +%s.%N)
for i in $(seq 1 "$N"); do
  curl -sf -H "Authorization: Bearer $token" "$url/v1/snapshot" -o "$dir/snap$i" &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
end=$(date +%s.%N)
echo "after $N concurrent snapshots: VmHWM $(hwm), $(echo "$end - $start" | bc) s"
ls -l "$dir"/snap* | awk '{print $5, $9}'
if cmp -s "$dir/snap1" "$dir/snap$N"; then echo "bodies identical"; else echo "bodies DIFFER"; fi
