#!/usr/bin/env bash
# Benchmarks/shards/run.sh: `plan --shard` under the two splits of `upload.shard_split` (issue 18).
#
#   Benchmarks/shards/run.sh [SAMPLES]      (default 4)
#
# 1. `ossbatch plan M --shard 0/8` of the memory benchmark's tree (1,000 directories of 1,000 one-byte files,
#    made by Benchmarks/memory/run.sh at /tmp/ossbatch-memory-bench-1000000, reused and never removed),
#    `balanced` and `directories` alternately SAMPLES times: wall time, peak RSS (GNU time), files stat'ed.
# 2. The balance of every shard's part (max files / mean, max bytes / mean), from each shard's
#    `plan --shard K/N --json` totals: `directories` on that tree (N = 8), and both splits on a skewed tree
#    (100 directories of 100 files of 1 KiB-1 MiB, and one with 4 sparse 100 GiB files beside 200 small ones,
#    generated once under ${BENCH_DIR:-/tmp/ossbatch-shards-bench}) for N = 4, 8, 16.
# Plans only: no server, nothing uploaded. BIN=DIR uses the binaries in DIR instead of building them.
set -euo pipefail

samples=${1:-4}
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${BENCH_DIR:-/tmp/ossbatch-shards-bench}
memory=/tmp/ossbatch-memory-bench-1000000
[[ -x /usr/bin/time ]] || apt-get install -y time >/dev/null
[[ -f "$memory/.complete" ]] || { echo "no tree at $memory: run Benchmarks/memory/run.sh first" >&2; exit 1; }
bin=${BIN:-$("$root/scripts/build-release.sh" ossbatch)}

if [[ ! -f "$dir/.complete" ]]; then
    echo "generating the skewed tree in $dir…" >&2
    rm -rf "$dir/skew" && mkdir -p "$dir/skew"
    python3 - "$dir/skew" <<'PY'
import os, random, sys
random.seed(2026)
root = sys.argv[1]
def make(path, size):
    with open(path, "wb") as f:
        f.truncate(size)  # sparse: no data written
for d in range(100):
    os.makedirs(f"{root}/d{d:03d}")
    for n in range(100):
        make(f"{root}/d{d:03d}/f{n:03d}", random.randint(1024, 1 << 20))
os.makedirs(f"{root}/big")
for n in range(4):
    make(f"{root}/big/huge{n}", 100 << 30)
for n in range(200):
    make(f"{root}/big/s{n:03d}", random.randint(1024, 1 << 20))
PY
    touch "$dir/.complete"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for split in balanced directories; do
    for tree in memory skew; do
        source=$memory/src/
        [[ $tree == skew ]] && source=$dir/skew/
        cat >"$work/$tree-$split.yaml" <<YAML
version: 1
target: {endpoint: "http://127.0.0.1:9", bucket: bench, region: local, addressing: path}
upload: {checkpoint_dir: $work/checkpoints, shard_split: $split}
files:
  - source: $source
YAML
    done
done

echo "plan --shard 0/8 of 1,000,000 files ($samples samples each, alternating):"
for _ in $(seq "$samples"); do
    for split in balanced directories; do
        /usr/bin/time -f "%e %M" -o "$work/time" "$bin/ossbatch" plan "$work/memory-$split.yaml" --shard 0/8 >"$work/out"
        read -r seconds kib <"$work/time"
        stated=$(sed -n "s/.* \([0-9,]*\) files stat'ed.*/\1/p" "$work/out")
        printf '  %-11s %6.2f s  %7.1f MiB  %s files stat'"'"'ed\n' "$split" "$seconds" "$(awk "BEGIN {print $kib / 1024}")" "$stated"
    done
done

balance() { # TREE SPLIT N
    python3 - "$bin/ossbatch" "$work/$1-$2.yaml" "$3" "$1" "$2" <<'PY'
import json, subprocess, sys
ossbatch, manifest, n, tree, split = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
files, sizes = [], []
for k in range(n):
    out = subprocess.run([ossbatch, "plan", manifest, "--shard", f"{k}/{n}", "--json"],
                         capture_output=True, text=True, check=True).stdout
    start = out.index('"totals":') + len('"totals":')
    totals = json.loads(out[start:out.index("}", start) + 1])
    files.append(totals["files"])
    sizes.append(totals["bytes"])
mean_files, mean_bytes = sum(files) / n, sum(sizes) / n
print(f"  {tree:6} {split:11} N={n:2}: max files/mean {max(files) / mean_files:.3f}, "
      f"max bytes/mean {max(sizes) / mean_bytes:.3f}; files per shard {files}")
PY
}
echo "balance:"
balance memory directories 8
for n in 4 8 16; do
    balance skew directories "$n"
    balance skew balanced "$n"
done
