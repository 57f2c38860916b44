#!/usr/bin/env bash
# Benchmarks/unchanged/changed-night.sh: a night on which every one of FILES small files has changed since the
# night that indexed them (`upload.unchanged: skip`; every file touched), two builds alternating, each with a
# fresh state directory, against `local-oss --discard`: every job replaces an indexed key, so this is the
# per-file cost of what the engine does to the index around an upload (the entry buried before the request,
# the new one written after). Compare the two columns, not machines.
#
#   OLD=DIR NEW=DIR Benchmarks/unchanged/changed-night.sh [FILES] [ROUNDS]   (defaults: 20000 3)
#
# DIR holds release builds of `ossbatch` (OLD, NEW) and `local-oss` (NEW's is used); build one with
# `scripts/build-release.sh ossbatch local-oss`. The tree is generated under
# ${BENCH_DIR:-/tmp/ossbatch-changed-night-bench} and reused. Needs no ../shared.
set -euo pipefail
files=${1:-20000}
rounds=${2:-3}
: "${OLD:?OLD=DIR of the baseline build}" "${NEW:?NEW=DIR of the build to compare}"
dir=${BENCH_DIR:-/tmp/ossbatch-changed-night-bench}
mkdir -p "$dir" && cd "$dir"
if [[ ! -f tree/.files-$files ]]; then
    rm -rf tree && mkdir tree
    for ((i = 0; i < files; i++)); do
        d=tree/d$((i / 100)); [[ -d $d ]] || mkdir "$d"
        printf 'file %d\n' "$i" > "$d/f$i.txt"
    done
    touch "tree/.files-$files"
fi
rm -rf data && mkdir data
"$NEW/local-oss" --port 0 --data data --bucket bench --region local --discard > oss.log 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 50); do grep -q listening oss.log && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' oss.log | head -1)
cat > manifest.yaml <<MANIFEST
version: 1
target: {endpoint: "http://127.0.0.1:$port", bucket: bench, region: local, addressing: path}
upload: {unchanged: skip, concurrency: 32}
files:
  - source: $dir/tree
    exclude: [".files-*"]
    key_prefix: "night/"
MANIFEST
export OSS_ACCESS_KEY_ID=bench OSS_ACCESS_KEY_SECRET=bench
for ((round = 1; round <= rounds; round++)); do
    for which in OLD NEW; do
        bin=${!which}/ossbatch
        rm -rf state first.json* changed.json*
        OSSBATCH_STATE_DIR=$dir/state "$bin" run manifest.yaml --report first.json --quiet 2> /dev/null || true
        # Every file changed, and settled (a ctime under a second old is not indexed).
        find tree -name '*.txt' -exec touch {} +
        sleep 1.5
        start=$(date +%s%N)
        OSSBATCH_STATE_DIR=$dir/state "$bin" run manifest.yaml --report changed.json --quiet
        end=$(date +%s%N)
        entries=$(python3 -c "import glob, sqlite3; print(sqlite3.connect(glob.glob('state/.index/*.sqlite')[0]).execute('select count(*) from objects where size >= 0').fetchone()[0])")
        echo "$which round $round: changed night $(((end - start) / 1000000)) ms, $entries index entries"
    done
done
