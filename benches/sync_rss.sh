#!/usr/bin/env bash
# Peak memory of the client's first sync of a whole city, and of `import`, each as a
# process of its own (issue 19 item 3), measured with GNU time (`/usr/bin/time -v`,
# "Maximum resident set size"): a real `bianzhi serve` on a generated city, then
# `bianzhi sync` into an empty cache; `bianzhi gen` and `bianzhi import` of the same
# city for the import.
#
#   cargo build --release && SEED=1 benches/sync_rss.sh [path/to/bianzhi]
set -euo pipefail
BIN=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/bianzhi}")
SEED=${SEED:-1}
dir=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/server.db
"$BIN" serve --db "$db" --generate city --seed "$SEED" --listen 127.0.0.1:0 >"$dir/url0" 2>/dev/null &
seedpid=$!
while [ ! -s "$dir/url0" ]; do sleep 0.5; done
kill "$seedpid"; wait "$seedpid" 2>/dev/null || true
root=$(sqlite3 "$db" 'SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1' 2>/dev/null || echo 1)
token=$("$BIN" operator add 全市 --scope "$root" --db "$db" | tail -n1)
"$BIN" serve --db "$db" --listen 127.0.0.1:0 >"$dir/url" 2>/dev/null &
pid=$!
while [ ! -s "$dir/url" ]; do sleep 0.2; done
url=$(head -n1 "$dir/url")
peak() { awk -F': ' '/Maximum resident/ {m = $2} /Elapsed/ {w = $2} END {printf "%.0f MB, %s wall", m / 1024, w}' "$1"; }
XDG_CONFIG_HOME=$dir/cfg XDG_STATE_HOME=$dir/state /usr/bin/time -v "$BIN" --cache "$dir/client.db" sync --server "$url" --token "$token" >"$dir/sync.out" 2>"$dir/sync.time" || { cat "$dir/sync.out" "$dir/sync.time"; exit 1; }
echo "first sync of the city (client process): peak $(peak "$dir/sync.time")"
kill "$pid"; wait "$pid" 2>/dev/null || true
/usr/bin/time -v "$BIN" gen --scale city --seed "$SEED" --out "$dir/city.snap" >/dev/null 2>"$dir/gen.time"
echo "gen --scale city: peak $(peak "$dir/gen.time")"
/usr/bin/time -v "$BIN" --cache "$dir/import.db" import "$dir/city.snap" >/dev/null 2>"$dir/import.time"
echo "import of the city: peak $(peak "$dir/import.time")"
