#!/usr/bin/env bash
# Runs every benchmark of docs/BENCHMARKS.md on a generated city, one after another (so
# they do not compete for the two cores), and prints the figures. About 25 minutes.
#
#   benches/run-all.sh            # everything
#   QUICK=1 benches/run-all.sh    # county scale, short load test (a few minutes)
#
# Needs: a Rust toolchain, python3, fzf (apt-get install -y fzf), less.
set -euo pipefail
cd "$(dirname "$0")/.."

scale=city
secs=60
if [[ "${QUICK:-}" == 1 ]]; then
    scale=county
    secs=10
fi
work=$(mktemp -d /tmp/bianzhi-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== machine"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "ram: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
command -v fzf >/dev/null && echo "fzf: $(fzf --version)" || echo "fzf: not installed"

echo "== build (once)"
cargo build --release --quiet
cargo bench --no-run --quiet --bench search --bench lookup --bench apply --bench sync \
    --bench slowlink --bench server_load --bench auth 2>/dev/null
bin=target/release/bianzhi

echo "== a $scale cache: bianzhi gen + import"
/usr/bin/time -f "gen: %e s wall, %M KB max RSS" \
    "$bin" gen --scale "$scale" --out "$work/city.snap" >/dev/null
/usr/bin/time -f "import: %e s wall (includes the derived figures), %M KB max RSS" \
    "$bin" --cache "$work/city.db" import "$work/city.snap"

echo "== lookup on the real cache, beside fzf and SQL LIKE"
cargo bench --quiet --bench lookup -- --cache "$work/city.db"
echo "== lookup on the synthetic 190k set"
cargo bench --quiet --bench search
echo "== interface through a pty: cold start, memory, bytes per key, beside less"
python3 benches/tui.py --bin "$bin" --cache "$work/city.db"
echo "== applying a first sync into the cache"
cargo bench --quiet --bench apply -- --snapshot "$work/city.snap"
echo "== sync on the wire (loopback)"
cargo bench --quiet --bench sync -- "$scale"
echo "== sync through 256 kbit/s, 150 ms each way"
cargo bench --quiet --bench slowlink -- "$scale"
echo "== server under 200 clients"
cargo bench --quiet --bench server_load -- "$scale" --secs "$secs"
echo "== token checks take the same time whatever the token"
cargo bench --quiet --bench auth
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
