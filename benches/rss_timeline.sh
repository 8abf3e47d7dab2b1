#!/usr/bin/env bash
# Where in a run the memory goes (issue 19 item 3): runs a command and writes its
# resident set every 0.1 s to OUT, one "seconds MiB" line each (the command's child's,
# when the command is /usr/bin/time). Peaks between samples are missed: take the peak
# itself from GNU time (benches/sync_rss.sh) and the phases from this.
#
#   benches/rss_timeline.sh OUT target/release/bianzhi --cache c.db import city.snap
out=$1; shift
"$@" & pid=$!
t0=$(date +%s.%N)
while kill -0 $pid 2>/dev/null; do
  c=$(pgrep -P $pid | head -1); c=${c:-$pid}
  r=$(awk '/VmRSS/ {print $2}' /proc/$c/status 2>/dev/null)
  [ -n "$r" ] && echo "$(echo "$(date +%s.%N) - $t0" | bc) $((r/1024))" >> "$out"
  sleep 0.1
done
wait $pid
