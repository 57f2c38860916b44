#!/usr/bin/env bash
# Benchmarks/unchanged/first-night.sh: a first night with `upload.unchanged: skip` (every file uploaded, the
# upload index filled as it goes) of FILES small files, two builds alternating, each run with a fresh state
# directory, against `local-oss --discard`. For changes to the engine's per-file path (key locks, index
# writes): compare the two columns, not machines. With NIGHT=changed, the night timed is the one after: every
# file changed (touched) since the night that indexed it, so every job replaces an indexed key (the entry
# buried before its request, the new one written after).
#
#   OLD=DIR NEW=DIR Benchmarks/unchanged/first-night.sh [FILES] [ROUNDS]   (defaults: 20000 4)
#   NIGHT=changed OLD=DIR NEW=DIR Benchmarks/unchanged/first-night.sh 20000 5
#
# DIR holds release builds of `ossbatch` (OLD, NEW) and `local-oss` (NEW's is used); build one with
# `scripts/build-release.sh ossbatch local-oss`. The tree is generated under
# ${BENCH_DIR:-/tmp/ossbatch-first-night-bench} and reused. Needs no ../shared.
set -euo pipefail
files=${1:-20000}
rounds=${2:-4}
night=${NIGHT:-first}
[[ $night == first || $night == changed ]] || { echo "NIGHT must be first or changed" >&2; exit 2; }
: "${OLD:?OLD=DIR of the baseline build}" "${NEW:?NEW=DIR of the build to compare}"
dir=${BENCH_DIR:-/tmp/ossbatch-first-night-bench}
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
        rm -rf state report.json report.json.journal before.json before.json.journal
        if [[ $night == changed ]]; then
            OSSBATCH_STATE_DIR=$dir/state "$bin" run manifest.yaml --report before.json --quiet 2> /dev/null || true
            # Every file changed, and settled (a ctime under a second old is not indexed).
            find tree -name '*.txt' -exec touch {} +
            sleep 1.5
        fi
        start=$(date +%s%N)
        OSSBATCH_STATE_DIR=$dir/state "$bin" run manifest.yaml --report report.json --quiet
        end=$(date +%s%N)
        entries=$(python3 -c "import glob, sqlite3; print(sqlite3.connect(glob.glob('state/.index/*.sqlite')[0]).execute('select count(*) from objects where size >= 0').fetchone()[0])")
        echo "$which round $round: $night night $(((end - start) / 1000000)) ms, $entries index entries"
    done
done
