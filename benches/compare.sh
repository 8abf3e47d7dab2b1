#!/usr/bin/env bash
# Roster comparison (比对) on the generated city: the whole `bianzhi compare` process,
# wall time and peak memory (GNU time), for
#   - a GBK CSV roster of ROWS rows (200,000 by default) with differences
#     (benches/compare_roster.py),
#   - the same as UTF-8 with --json and with --out DIFF.xlsx (constant-memory workbook),
#   - an XLSX roster of every person of the city (`export persons --reveal-id`),
# and, in the same run, the peer: reading the same files in Python with pandas
# (`read_csv`, `read_excel`) and openpyxl (read-only mode), when they are installed
# (`pip install pandas openpyxl`).
#
#   cargo build --release && benches/compare.sh [path/to/bianzhi]
#
# Variables: ROWS (roster rows, 200000), SEED (the generated city's seed, 1),
# PEERS=0 to skip the Python peers (about two minutes), KEEP=DIR to keep the city and
# rosters in DIR and reuse them in the next run (made only when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/bianzhi}
ROWS=${ROWS:-200000}
SEED=${SEED:-1}
PEERS=${PEERS:-1}
if [ -n "${KEEP:-}" ]; then
    # The city and rosters kept in KEEP and made only when missing (a second run, or
    # another build, measures on the same files).
    work=$KEEP
    mkdir -p "$work"
else
    work=$(mktemp -d /tmp/bianzhi-compare.XXXXXX)
    trap 'rm -rf "$work"' EXIT
fi
export BIANZHI_CONFIG=$work/config.toml BIANZHI_LOG_DIR=$work/log
if [ ! -e "$work/roster.xlsx" ]; then
    rm -f "$work/city.db"
    "$BIN" gen --scale city --seed "$SEED" --out "$work/city.snap" >/dev/null
    "$BIN" --cache "$work/city.db" import "$work/city.snap" >/dev/null
    python3 benches/compare_roster.py "$work/city.db" "$work/roster-gbk.csv" "$ROWS"
    python3 benches/compare_roster.py "$work/city.db" "$work/roster-utf8.csv" "$ROWS" utf-8
    "$BIN" --cache "$work/city.db" export persons --format xlsx --reveal-id \
        --out "$work/roster.xlsx" >/dev/null
fi
ls -l "$work"/roster* | awk '{print $5, $9}'
run() {
    local label=$1; shift
    /usr/bin/time -f "$label: %e s wall, %M KB peak" "$BIN" --cache "$work/city.db" compare "$@" \
        >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
    tail -n1 "$work/err"
}
for i in 1 2 3; do
    run "GBK CSV $ROWS rows, table" "$work/roster-gbk.csv"
done
grep -m1 -A12 '^类别' "$work/out" || true
run "UTF-8 CSV $ROWS rows, --json" "$work/roster-utf8.csv" --json
run "UTF-8 CSV $ROWS rows, --out xlsx" "$work/roster-utf8.csv" --out "$work/diff.xlsx"
for i in 1 2; do
    run "XLSX all persons, table" "$work/roster.xlsx"
done
peer() {
    local label=$1; shift
    /usr/bin/time -f "$label: %e s wall, %M KB peak" python3 -c "$@" 2>&1 >/dev/null | tail -n1
}
if [ "$PEERS" = 0 ]; then
    echo "peer: skipped (PEERS=0)"
elif python3 -c "import pandas, openpyxl" 2>/dev/null; then
    peer "peer: pandas.read_csv GBK CSV $ROWS rows" \
        "import pandas as pd; print(len(pd.read_csv('$work/roster-gbk.csv', encoding='gb18030', dtype=str)))"
    peer "peer: pandas.read_csv UTF-8 CSV $ROWS rows" \
        "import pandas as pd; print(len(pd.read_csv('$work/roster-utf8.csv', dtype=str)))"
    peer "peer: openpyxl read-only, XLSX all persons" \
        "import openpyxl; ws = openpyxl.load_workbook('$work/roster.xlsx', read_only=True).active; print(sum(1 for _ in ws.iter_rows(values_only=True)))"
    peer "peer: pandas.read_excel (openpyxl), XLSX all persons" \
        "import pandas as pd; print(len(pd.read_excel('$work/roster.xlsx', dtype=str)))"
else
    echo "peer: pandas/openpyxl not installed (pip install pandas openpyxl)"
fi
