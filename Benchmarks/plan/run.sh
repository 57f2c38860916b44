#!/usr/bin/env bash
# Times `ossbatch plan` over 200,000 small files against `find DIR -type f | wc -l` in the same run,
# against `find -printf` with size/mtime/inode (which like the planner must stat every file), and
# against statwalk.c: readdir + fstatat and nothing else, one thread per core — the floor for any planner.
# Usage: Benchmarks/plan/run.sh [FILES] [REPETITIONS]    (defaults: 200000 files, 5 repetitions)
# The tree is generated once under ${BENCH_DIR:-/tmp/ossbatch-plan-bench-FILES} and reused afterwards.
set -euo pipefail

files=${1:-200000}
reps=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${BENCH_DIR:-/tmp/ossbatch-plan-bench-$files}

if [[ ! -x /usr/bin/time ]]; then
    echo "installing GNU time for peak RSS…" >&2
    apt-get install -y time >/dev/null
fi

echo "building ossbatch (release)…" >&2
bin="$("$root/scripts/build-release.sh" ossbatch)/ossbatch"
statwalk="$root/.build/statwalk"
"$(command -v cc || command -v clang)" -O2 -pthread -o "$statwalk" "$root/Benchmarks/plan/statwalk.c"

if [[ ! -f "$dir/.complete" ]]; then
    echo "generating $files files in $dir…" >&2
    rm -rf "$dir" && mkdir -p "$dir/tree"
    python3 - "$dir/tree" "$files" <<'PY'
import os, sys
root, total = sys.argv[1], int(sys.argv[2])
# 3 levels: 20 top directories × 10 subdirectories × N files, names like a real dataset.
per_leaf = max(1, total // 200)
n = 0
for a in range(20):
    for b in range(10):
        d = os.path.join(root, f"part-{a:02d}", f"batch-{b:02d}")
        os.makedirs(d, exist_ok=True)
        for c in range(per_leaf):
            if n >= total: break
            with open(os.path.join(d, f"record-{c:05d}.json"), "w") as f:
                f.write('{"n": %d}\n' % n)
            n += 1
PY
    cat > "$dir/bench.yaml" <<YAML
version: 1
target: {endpoint: http://127.0.0.1:9000, bucket: bench, region: local}
files:
  - source: tree/
    key_prefix: bench/
YAML
    touch "$dir/.complete"
fi

# Warm the page cache and dentry cache so both tools see the same state.
find "$dir/tree" -type f | wc -l >/dev/null
"$bin" plan "$dir/bench.yaml" >/dev/null

now() { date +%s.%N; }
plan_times=(); find_times=(); stat_times=(); floor_times=(); rss=()
for ((i = 1; i <= reps; i++)); do
    t0=$(now); find "$dir/tree" -type f | wc -l >/dev/null; t1=$(now)
    /usr/bin/time -v -o "$dir/time.txt" "$bin" plan "$dir/bench.yaml" >"$dir/plan.txt"; t2=$(now)
    # A second baseline that, like the planner, stats every file (size, mtime, inode).
    find "$dir/tree" -type f -printf '%s %T@ %i %p\n' | wc -l >/dev/null; t3=$(now)
    "$statwalk" "$dir/tree" >/dev/null; t4=$(now)
    find_times+=("$(echo "$t1 - $t0" | bc)")
    plan_times+=("$(echo "$t2 - $t1" | bc)")
    stat_times+=("$(echo "$t3 - $t2" | bc)")
    floor_times+=("$(echo "$t4 - $t3" | bc)")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")")
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mf=$(median "${find_times[@]}"); mp=$(median "${plan_times[@]}"); mr=$(median "${rss[@]}")
ms=$(median "${stat_times[@]}"); mw=$(median "${floor_times[@]}")
planned=$(awk '/files:/ {print $2; exit}' "$dir/plan.txt")
echo "files planned:        $planned"
echo "find -type f | wc -l: median ${mf}s  (runs: ${find_times[*]})"
echo "ossbatch plan:        median ${mp}s  (runs: ${plan_times[*]})"
echo "find -printf (stats): median ${ms}s  (runs: ${stat_times[*]})"
echo "statwalk (C floor):   median ${mw}s  (runs: ${floor_times[*]})"
# Each repetition times find and plan back to back, so the ratio within a repetition is measured under
# the same load; the median of those ratios is steadier on a shared machine than a ratio of medians.
paired=(); for ((i = 0; i < reps; i++)); do paired+=("$(echo "scale=3; ${plan_times[i]} / ${find_times[i]}" | bc)"); done
echo "ratio plan/find:      $(echo "scale=2; $mp / $mf" | bc)x   (target ≤ 3x)"
echo "paired plan/find:     median $(median "${paired[@]}")x   (runs: ${paired[*]})"
echo "ratio plan/find-stat: $(echo "scale=2; $mp / $ms" | bc)x"
echo "ratio floor/find:     $(echo "scale=2; $mw / $mf" | bc)x   (what stat-ing every file costs before any planning)"
echo "ratio plan/floor:     $(echo "scale=2; $mp / $mw" | bc)x"
echo "peak RSS (plan):      median $((mr / 1024)) MiB   (runs KiB: ${rss[*]}; target ≤ 200 MB)"
