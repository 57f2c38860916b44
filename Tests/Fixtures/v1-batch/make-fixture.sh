#!/usr/bin/env bash
# Makes this fixture: a batch left half done by the ossbatch release that writes ossbatch-report/1,
# its journal and ossbatch-checkpoint/1 files. Kept so that every later release is tested against files
# that release really wrote (Tests/IntegrationTests/Engine/V1FixtureResumeTests.swift resumes it).
#
#   make-fixture.sh BIN_DIR OUT_DIR
#
# BIN_DIR holds `ossbatch` and `local-oss` built from the release that writes format 1 (commit f5ed78f:
# `git worktree add /tmp/v1 f5ed78f && cd /tmp/v1 && swift build --product ossbatch && swift build
# --product local-oss`). OUT_DIR receives the fixture, every absolute path replaced by @ROOT@.
#
# What it does, against a local-oss process:
#   1. run: c.txt fails (PutObject answered 400, not retried), the parts of the two multipart files are
#      slowed down, and SIGINT stops the run: the report says `interrupted` with a.txt and sub/b.txt
#      succeeded, c.txt failed, and big-1.bin and big-2.bin pending with checkpoints holding some parts.
#   2. c.txt is rewritten (a new version since the plan), then resume: c.txt goes up as the new version
#      (its journal line carries the new identity), and the run is killed with SIGKILL while parts are
#      still in flight: a report written at the start of the resume, a journal, and checkpoints.
# LocalOSS's data directory goes with it (objects, open uploads and their parts), so that the test's
# LocalOSS has the uploads the checkpoints name.
set -euo pipefail
bin="$1"
out="$2"
root="$(mktemp -d "${TMPDIR:-/tmp}/ossbatch-v1-fixture.XXXXXX")"
export OSS_ACCESS_KEY_ID="fixture-key"
export OSS_ACCESS_KEY_SECRET="fixture-secret-$RANDOM$RANDOM"
export LOCALOSS_ACCESS_KEYS="$OSS_ACCESS_KEY_ID:$OSS_ACCESS_KEY_SECRET"

mkdir -p "$root/src/sub"
printf 'alpha\n' >"$root/src/a.txt"
printf 'bravo, in a subdirectory\n' >"$root/src/sub/b.txt"
printf 'charlie, first version\n' >"$root/src/c.txt"
# 4 parts of 100 KiB (the last shorter) and 3 parts; content that is not all one byte.
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 251) % 256 for i in range(350_000)))' >"$root/src/big-1.bin"
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 13 + i // 127) % 256 for i in range(260_000)))' >"$root/src/big-2.bin"

"$bin/local-oss" --port 0 --data "$root/oss-data" --bucket fixture-bucket --region local >"$root/local-oss.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$root"' EXIT
for _ in $(seq 1 100); do
    grep -q '^listening ' "$root/local-oss.log" 2>/dev/null && break
    sleep 0.1
done
address="$(sed -n 's/^listening //p' "$root/local-oss.log" | head -1)"
admin="http://$address/__localoss/faults"

cat >"$root/manifest.yaml" <<YAML
version: 1
target:
  endpoint: http://$address
  region: local
  bucket: fixture-bucket
  addressing: path
upload:
  concurrency: 1
  files_in_flight: 2
  part_size: 100KiB
  multipart_threshold: 200KiB
  checkpoint_dir: state/checkpoints
  retries: {attempts: 2, base_delay: 10ms, max_delay: 20ms}
defaults:
  metadata: {origin: v1-fixture}
files:
  - source: src/
    key_prefix: data/
YAML

faults() { curl -sf -X "$1" "$admin" ${2:+-H 'Content-Type: application/json' -d "$2"}; }

# 1. run, interrupted.
faults POST '[{"operation":"PutObject","keyContains":"c.txt","count":null,"action":{"fail":{"status":400,"code":"InvalidArgument"}}},
  {"operation":"UploadPart","count":null,"action":{"delay":{"milliseconds":2000}}}]'
"$bin/ossbatch" run "$root/manifest.yaml" --report "$root/report.json" --progress-interval 3600 2>"$root/run.log" &
pid=$!
sleep 3
kill -INT "$pid"
wait "$pid" || true

# 2. a new version of c.txt, then resume, killed.
sleep 1.1
printf 'charlie, second version (changed after the plan)\n' >"$root/src/c.txt"
faults DELETE
faults POST '[{"operation":"UploadPart","count":null,"action":{"delay":{"milliseconds":2000}}}]'
"$bin/ossbatch" resume "$root/report.json" --progress-interval 3600 2>"$root/resume.log" &
pid=$!
sleep 3
kill -KILL "$pid"
wait "$pid" || true

mkdir -p "$out"
rm -rf "$out/src" "$out/state" "$out/oss-data" "$out/report.json" "$out/report.json.journal" "$out/manifest.yaml"
mkdir -p "$out/state"
cp -R "$root/src" "$out/src"
cp -R "$root/state/checkpoints" "$out/state/checkpoints"
cp "$root/report.json" "$root/report.json.journal" "$root/manifest.yaml" "$out/"
# Stop the server first, so that its data directory is complete and quiet.
kill "$server"
wait "$server" 2>/dev/null || true
cp -R "$root/oss-data" "$out/oss-data"
rm -rf "$out/oss-data/tmp"
# The files' identities as the batch saw them (the test gives the copies the same mtime and maps inode and
# device to the copies' own).
(cd "$root/src" && find . -type f | sort | while read -r f; do
    stat -c '%n	%s	%.9Y	%i	%d' "$f"
done) >"$out/identities.tsv"
# Relativise: every absolute path starts with the temporary root.
for f in "$out/report.json" "$out/report.json.journal" "$out/manifest.yaml" "$out"/state/checkpoints/*.json; do
    sed -i "s#$root#@ROOT@#g" "$f"
done
echo "fixture written to $out"
