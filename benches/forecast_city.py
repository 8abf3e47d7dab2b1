# The forecast and the as-of reports on a city, as measured for docs/BENCHMARKS.md (issue 17,
# branch forecast): run in a directory holding city.db (see there), BIANZHI_BIN naming
# the release binary.
import os, resource, statistics, subprocess, time
B=os.environ.get("BIANZHI_BIN", "target/release/bianzhi")
env=dict(os.environ, BIANZHI_CONFIG=os.path.abspath("bench.toml"), BIANZHI_LOG_DIR=os.path.abspath("log"))
def run(args, n=5):
    walls=[];cpus=[]
    for _ in range(n):
        r0=resource.getrusage(resource.RUSAGE_CHILDREN)
        t=time.perf_counter()
        subprocess.run([B,"--cache","city.db"]+args, stdout=subprocess.DEVNULL, check=True, env=env)
        walls.append(time.perf_counter()-t)
        r1=resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime-r0.ru_utime+r1.ru_stime-r0.ru_stime)
    return min(walls)*1000, statistics.median(walls)*1000, min(cpus)*1000, statistics.median(cpus)*1000
for args in [["forecast","--json"],["forecast"],["report","establishment","--format","json","--as-of","2024-12-31"],["report","establishment","--format","json","--as-of","2020-06-30"],["report","establishment","--format","json"],["report","structure","--format","json","--as-of","2024-12-31"],["report","establishment","--format","json","--as-of","2026-12-02"]]:
    print(" ".join(args), "wall best/median %.0f/%.0f ms, cpu %.0f/%.0f ms"%run(args))
