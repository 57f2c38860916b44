#!/usr/bin/env bash
# Upload benchmark: one file sent multipart through OSSClient (upload-bench) and, in the same run, the same
# bytes with `curl -T` to the same server. Servers: `local-oss --discard` and, when present, shared/bench's
# sinkd (SINKD=0 skips it; its start script installs golang-go through apt when go is missing).
#
#   Benchmarks/upload/run.sh                      # 1 GiB, 16 MiB parts, 4 in flight, release build
#   SIZE_MIB=256 PARALLEL=8 PART_MIB=8 Benchmarks/upload/run.sh
#
# Prints per run: wall s, MB/s (10^6 bytes/s), client CPU s (user+sys) and server CPU s. Loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SIZE_MIB=${SIZE_MIB:-1024} PARALLEL=${PARALLEL:-4} PART_MIB=${PART_MIB:-16} CONFIG=${CONFIG:-release}
SINKD_START=${SINKD_START:-$(cd .. && pwd)/shared/bench/start-sinkd}
[[ -x $SINKD_START ]] || SINKD_START=/work/shared/bench/start-sinkd

if [[ $CONFIG == release ]]; then
    bin=$(scripts/build-release.sh upload-bench local-oss)
else
    swift build -c "$CONFIG" --product upload-bench >&2
    swift build -c "$CONFIG" --product local-oss >&2
    bin=$(swift build -c "$CONFIG" --show-bin-path)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/upload-bench.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

file=$work/source.bin
head -c $((SIZE_MIB << 20)) /dev/urandom >"$file"
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null # both clients read from the page cache

# CPU seconds (user+sys) a process has used so far, from /proc.
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }

# run LABEL SERVER_PID COMMAND…: wall and CPU of the command, CPU the server spent meanwhile.
run() {
  local label=$1 server=$2; shift 2
  local before after out
  before=$(proc_cpu "$server")
  out=$(/usr/bin/time -f '%e %U %S' -o "$work/time" "$@" 2>"$work/err") || { cat "$work/err" >&2; return 1; }
  after=$(proc_cpu "$server")
  read -r wall user sys <"$work/time"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v b="$bytes" -v sb="$before" -v sa="$after" \
    'BEGIN {printf "%-34s wall %6.2f s  %7.1f MB/s  client CPU %5.2f s  server CPU %5.2f s\n", l, w, b / w / 1e6, u + s, sa - sb}'
  [[ -z $out ]] || echo "    $out"
}

bench_server() { # NAME PORT PID
  local name=$1 port=$2 pid=$3
  run "$name: OSSClient ${PARALLEL}x${PART_MIB}MiB" "$pid" \
    "$bin/upload-bench" --endpoint "http://127.0.0.1:$port" --bucket bench --key "ossclient-$RANDOM.bin" \
    --file "$file" --part-mib "$PART_MIB" --parallel "$PARALLEL"
  run "$name: curl -T (one PUT)" "$pid" \
    curl -sS --fail -H 'Expect:' -T "$file" "http://127.0.0.1:$port/bench/curl-$RANDOM.bin" -o /dev/null
}

echo "file: $bytes bytes; $(nproc) cores; $(curl --version | head -1 | cut -d' ' -f1-2)"
"$bin/local-oss" --port 0 --data "$work/data" --bucket bench --discard >"$work/local.out" 2>"$work/local.err" &
pids+=($!)
for _ in $(seq 100); do grep -q '^listening' "$work/local.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$work/local.out")
bench_server "local-oss --discard" "$port" "${pids[-1]}"

if [[ ${SINKD:-1} != 0 && -x $SINKD_START ]]; then
  port=$("$SINKD_START" --pidfile "$work/sinkd.pid" --log "$work/sinkd.log")
  pids+=("$(cat "$work/sinkd.pid")")
  bench_server "sinkd" "$port" "${pids[-1]}"
fi
