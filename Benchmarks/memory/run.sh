#!/usr/bin/env bash
# Memory and state at scale: `ossbatch run` of FILES one-byte files (FILES/1000 directories of 1,000)
# against `local-oss --discard`, then `ossbatch resume` of the finished report; prints peak RSS (GNU time),
# bytes per job in memory and on disk, and how long resume takes before it can do anything.
# Usage: Benchmarks/memory/run.sh [FILES] [--no-build]      (default 1000000)
# The tree is generated once under ${BENCH_DIR:-/tmp/ossbatch-memory-bench-FILES} and reused.
# KEEP_REPORT=PATH keeps the finished report there (then time `ossbatch resume` of a copy of it alone).
# FILE_BYTES=0 makes the files empty (10,000,000 one-byte files need 40 GB of 4 KiB blocks; empty ones only
# inodes; a job's memory and report line do not depend on its size). ENDPOINT=URL uploads there (e.g. the
# shared sink, which is faster than LocalOSS) instead of starting `local-oss --discard`.
set -euo pipefail

files=${1:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
bytes=${FILE_BYTES:-1}
dir=${BENCH_DIR:-/tmp/ossbatch-memory-bench-$files}
[[ "$bytes" == 1 ]] || dir=${BENCH_DIR:-/tmp/ossbatch-memory-bench-$files-${bytes}b}
[[ -x /usr/bin/time ]] || apt-get install -y time >/dev/null

if [[ "${2:-}" == "--no-build" ]]; then
    bin="$(cd "$root" && swift build -c release --static-swift-stdlib --show-bin-path)"
else
    echo "building ossbatch and local-oss (release)…" >&2
    bin="$("$root/scripts/build-release.sh" ossbatch local-oss)"
fi

if [[ ! -f "$dir/.complete" ]]; then
    echo "generating $files files of $bytes bytes in $dir…" >&2
    rm -rf "$dir" && mkdir -p "$dir/src"
    python3 - "$dir/src" "$files" "$bytes" <<'PY'
import os, sys
root, total, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = b"x" * size
for n in range(total):
    d = os.path.join(root, "d%03d" % (n // 1000))
    if n % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    fd = os.open(os.path.join(d, "f%03d" % (n % 1000)), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    if body:
        os.write(fd, body)
    os.close(fd)
PY
    touch "$dir/.complete"
fi

work=$(mktemp -d)
server=''
trap '[[ -z "$server" ]] || kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
endpoint=${ENDPOINT:-}
if [[ -z "$endpoint" ]]; then
    "$bin/local-oss" --port 0 --data "$work/oss" --bucket bench --discard >"$work/server.out" 2>&1 &
    server=$!
    for _ in $(seq 100); do grep -q listening "$work/server.out" && break; sleep 0.1; done
    endpoint="http://127.0.0.1:$(sed -n 's/.*listening 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.out" | head -1)"
fi
cat >"$work/bench.yaml" <<YAML
version: 1
target: {endpoint: "$endpoint", bucket: bench, region: local, addressing: path}
upload: {concurrency: 16, checkpoint_dir: $work/checkpoints}
files:
  - source: $dir/src/
YAML
export OSS_ACCESS_KEY_ID=bench OSS_ACCESS_KEY_SECRET=bench

measure() { # LABEL COMMAND... : wall seconds and peak RSS (KiB) of the command
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" >/dev/null 2>"$work/$label.err" || {
        echo "$label failed: $(tail -3 "$work/$label.err")" >&2
        exit 1
    }
    read -r "${label}_s" "${label}_kib" <"$work/$label.time"
}

measure run "$bin/ossbatch" run "$work/bench.yaml" --report "$work/report.json" --quiet
report_bytes=$(stat -c %s "$work/report.json")
# A finished report: resume has nothing to do, so its wall time is its start-up (read, fold, decide).
measure resume "$bin/ossbatch" resume "$work/report.json" --quiet
measure plan "$bin/ossbatch" plan "$work/bench.yaml"
[[ -z "${KEEP_REPORT:-}" ]] || cp "$work/report.json" "$KEEP_REPORT"

python3 - "$files" "$run_s" "$run_kib" "$resume_s" "$resume_kib" "$plan_s" "$plan_kib" "$report_bytes" <<'PY'
import sys
n, run_s, run_k, res_s, res_k, plan_s, plan_k, rep = sys.argv[1:]
n = int(n)
per = lambda kib: int(kib) * 1024 / n
print(f"files: {n:,}")
print(f"plan:   {float(plan_s):6.2f} s, peak RSS {int(plan_k)/1024:8.1f} MiB ({per(plan_k):.0f} B/job)")
print(f"run:    {float(run_s):6.2f} s, peak RSS {int(run_k)/1024:8.1f} MiB ({per(run_k):.0f} B/job)")
print(f"resume: {float(res_s):6.2f} s, peak RSS {int(res_k)/1024:8.1f} MiB ({per(res_k):.0f} B/job)  (finished report: start-up)")
print(f"report: {int(rep):,} bytes ({int(rep)/n:.0f} B/job)")
PY
