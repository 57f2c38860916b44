#!/usr/bin/env bash
# The README's quick start: build ossbatch, start LocalOSS (our OSS-protocol server) on a free loopback port,
# upload manifests/example.yaml to it, and print the report's summary. Needs no cloud account.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh
scripts/setup.sh
with_progress "building ossbatch" swift build --product ossbatch
with_progress "building local-oss" swift build --product local-oss
bin="$(swift build --show-bin-path)"

work="$(mktemp -d "${TMPDIR:-/tmp}/ossbatch-quickstart.XXXXXX")"
# A throwaway key pair for this LocalOSS only. Secrets go through the environment, never argv.
export OSS_ACCESS_KEY_ID="quickstart-$RANDOM$RANDOM"
export OSS_ACCESS_KEY_SECRET="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export LOCALOSS_ACCESS_KEYS="$OSS_ACCESS_KEY_ID:$OSS_ACCESS_KEY_SECRET"

"$bin/local-oss" --port 0 --data "$work/oss-data" --bucket quickstart --region local >"$work/local-oss.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q '^listening ' "$work/local-oss.log" 2>/dev/null && break
    sleep 0.1
done
address="$(sed -n 's/^listening //p' "$work/local-oss.log" | head -1)"
[ -n "$address" ] || { echo "local-oss did not start:"; cat "$work/local-oss.log"; exit 1; }
echo "LocalOSS listening on $address (data in $work/oss-data)"

report="$work/report.json"
set +e
"$bin/ossbatch" run manifests/example.yaml --endpoint "http://$address" --report "$report"
status=$?
set -e
echo
echo "report summary ($report):"
python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
print(f"  status {r['status']}: {t['succeeded']} succeeded, {t['skipped']} skipped, {t['failed']} failed, {t['pending']} pending of {t['jobs']} jobs, {t['bytes']} bytes")
for j in r["jobs"]:
    method = "multipart" if "part_count" in j else "put"
    print(f"  {j['status']:9} {method:9} {j['key']}  crc64={j.get('crc64')}")
PY
exit $status
