#!/usr/bin/env bash
# Benchmarks/run.sh: ossbatch's upload throughput and footprint next to its peers, on one box, in one run.
#
#   Benchmarks/run.sh [--quick] [--sets large,small,many,mixed] [--reps N] [--only PEERS] [--sinkd]
#                     [--out DIR] [--work DIR] [--no-install] [--no-build]
#
# Builds ossbatch and local-oss in release, generates deterministic data sets (kept and reused), and for
# every repetition → set → client (interleaved) starts a fresh `local-oss --discard` on a free loopback
# port, uploads the set to its own key prefix and measures the client's wall s, user+sys CPU s and peak
# RSS (GNU time -v) and the server's CPU s; then checks from the server (counters, listing, CRC-64 by HEAD)
# that every file arrived whole. A run that did not deliver every byte is FAILED (exit 1 at the end).
# Prints a markdown table of medians (also OUT/table.md) and writes OUT/runs.json.
#
#   --quick        small sizes, 1 repetition (a smoke test)
#   --sets NAMES   comma-separated: large, small, many, mixed (default: large,small,mixed; many only when
#                  named: at 100,000 files the SDKs and aws take 4-7 minutes per run)
#   --reps N       repetitions (default 5; 1 with --quick)
#   --only PEERS   comma-separated: curl, curl-parts, ossbatch, oss2, ossv2, rclone, aws (default: all)
#   --sinkd        also run everything against ../shared/bench/start-sinkd (when it exists)
#   --servers LIST localoss, sinkd or localoss,sinkd (default localoss; --sinkd adds sinkd)
#   --out DIR      results (default: $TMPDIR/ossbatch-bench/run-DATE)
#   --work DIR     data sets (default: $TMPDIR/ossbatch-bench/data, data-quick with --quick)
#   --no-install   skip a missing client instead of installing it (apt-get: rclone, time; pip: oss2,
#                  alibabacloud-oss-v2, awscli)
#   --no-build     use the release binaries already built
#
# Environment: LARGE=4x256MiB SMALL=2000x4KiB MANY=100000x1KiB MIXED=1x1GiB+500x64KiB (COUNTxSIZE joined
# by '+'), CONCURRENCY=16 (requests in flight), PART_SIZE=8MiB (also the multipart threshold),
# RUN_TIMEOUT=900 (seconds per run), SINKD_START (default: ../shared/bench/start-sinkd next to the repo).
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
LIB=$BENCH/lib
invocation="$0 $*"
say() { echo "run.sh: $*" >&2; }
die() { say "$*"; exit 2; }

quick='' sets=large,small,mixed reps='' only='' sinkd='' server_list=localoss out='' WORK='' install=1 build=1
while (($#)); do
  case $1 in
    --quick) quick=1; shift ;;
    --sets) sets=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --sinkd) sinkd=1; shift ;;
    --servers) server_list=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --no-install) install=''; shift ;;
    --no-build) build=''; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

if [[ -n $quick ]]; then
  : "${LARGE:=4x32MiB}" "${SMALL:=200x4KiB}" "${MANY:=2000x1KiB}" "${MIXED:=1x64MiB+50x64KiB}"
  reps=${reps:-1}
fi
: "${LARGE:=4x256MiB}" "${SMALL:=2000x4KiB}" "${MANY:=100000x1KiB}" "${MIXED:=1x1GiB+500x64KiB}"
: "${CONCURRENCY:=16}" "${PART_SIZE:=8MiB}" "${RUN_TIMEOUT:=900}"
: "${SINKD_START:=$(dirname "$ROOT")/shared/bench/start-sinkd}"
reps=${reps:-5}
base=${TMPDIR:-/tmp}/ossbatch-bench
WORK=${WORK:-$base/data${quick:+-quick}}
out=${out:-$base/run-$(date -u +%Y%m%d-%H%M%S)}
BUCKET=bench
REGION=cn-hangzhou
C=$CONCURRENCY
# The servers run without keys (LocalOSS then accepts any signature), so OSS- and S3-signing clients and
# unsigned curl all reach it; the clients still pay for signing. These are not secrets.
export OSS_ACCESS_KEY_ID=bench-id OSS_ACCESS_KEY_SECRET=bench-secret
unset LOCALOSS_ACCESS_KEYS

bytes_of() { python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import bench; print(bench.size_of(sys.argv[2]))' "$LIB" "$1"; }
PART=$(bytes_of "$PART_SIZE")
if ((PART % (1 << 20) == 0)); then PART_H=$((PART >> 20))MiB
elif ((PART % 1024 == 0)); then PART_H=$((PART >> 10))KiB; else PART_H=${PART}B; fi

spec_of() {
  case $1 in large) echo "$LARGE" ;; small) echo "$SMALL" ;; many) echo "$MANY" ;; mixed) echo "$MIXED" ;;
    *) die "unknown data set $1 (large, small, many, mixed)" ;; esac
}
has_multipart() { # SET: does any file reach the part size?
  local g
  IFS=+ read -ra groups <<<"$(spec_of "$1")"
  for g in "${groups[@]}"; do (($(bytes_of "${g#*x}") >= PART)) && return 0; done
  return 1
}

# ---- clients -------------------------------------------------------------------------------------------
source "$LIB/peers.sh"
all_peers=(curl curl-parts ossbatch oss2 ossv2 rclone aws)
if [[ -n $only ]]; then IFS=, read -ra peers <<<"$only"; else peers=("${all_peers[@]}"); fi
IFS=, read -ra set_list <<<"$sets"
for p in "${peers[@]}"; do [[ " ${all_peers[*]} " == *" $p "* ]] || die "unknown client $p (${all_peers[*]})"; done
for s in "${set_list[@]}"; do spec_of "$s" >/dev/null; done

apt_done=''
apt_install() {
  [[ -n $install ]] || return 1
  local sudo=''
  ((EUID == 0)) || sudo=sudo
  [[ -n $apt_done ]] || { $sudo apt-get update -qq >&2 && apt_done=1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}
pip_install() { [[ -n $install ]] && python3 -m pip install -q "$@" >&2; }
has_module() { python3 -c "import $1" 2>/dev/null; }

[[ -x /usr/bin/time ]] || apt_install time || die "GNU time (/usr/bin/time) is missing: apt-get install time"
command -v curl >/dev/null || apt_install curl || die "curl is missing"
has_module crcmod || pip_install crcmod || die "python3 module crcmod is missing (pip install crcmod)"

LOCALOSS='' OSSBATCH=''
if [[ -n $build ]]; then
  say "building ossbatch and local-oss (release)"
  "$ROOT/scripts/build-release.sh" local-oss >/dev/null &&
    { "$ROOT/scripts/build-release.sh" ossbatch >/dev/null || say "ossbatch did not build; skipping it"; }
fi
bin=$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)
LOCALOSS=$bin/local-oss
[[ -x $LOCALOSS ]] || die "no $LOCALOSS: build it (scripts/build-release.sh local-oss)"

usable=()
for p in "${peers[@]}"; do
  case $p in
    ossbatch)
      # Until the engine's `run` lands, the binary may be a stub: skip it then rather than fail every set.
      if [[ -x $bin/ossbatch ]] && "$bin/ossbatch" run --help 2>&1 | grep -qi manifest; then OSSBATCH=$bin/ossbatch
      else say "skipping ossbatch: $bin/ossbatch has no working 'run' command"; continue; fi ;;
    oss2) has_module oss2 || pip_install oss2 || { say "skipping oss2: pip install oss2 failed"; continue; } ;;
    ossv2) has_module alibabacloud_oss_v2 || pip_install alibabacloud-oss-v2 ||
      { say "skipping ossv2: pip install alibabacloud-oss-v2 failed"; continue; } ;;
    rclone) command -v rclone >/dev/null || apt_install rclone || { say "skipping rclone: not installable"; continue; } ;;
    aws) command -v aws >/dev/null && aws --version >/dev/null 2>&1 || pip_install awscli ||
      { say "skipping aws: pip install awscli failed"; continue; } ;;
  esac
  usable+=("$p")
done
peers=("${usable[@]}")
((${#peers[@]})) || die "no client to run"

[[ -z $sinkd || ,$server_list, == *,sinkd,* ]] || server_list+=,sinkd
servers=()
IFS=, read -ra wanted <<<"$server_list"
for s in "${wanted[@]}"; do
  case $s in
    localoss) servers+=(localoss) ;;
    sinkd) if [[ -x $SINKD_START ]]; then servers+=(sinkd); else say "no $SINKD_START: sinkd skipped"; fi ;;
    *) die "unknown server $s (localoss, sinkd)" ;;
  esac
done
((${#servers[@]})) || die "no server to run against"

# ---- data ----------------------------------------------------------------------------------------------
mkdir -p "$WORK" "$out/runs"
: >"$out/runs.jsonl"
for s in "${set_list[@]}"; do
  parts_of=0
  if [[ " ${peers[*]} " == *" curl-parts "* ]] && has_multipart "$s"; then parts_of=$PART; fi
  python3 "$LIB/bench.py" gen --work "$WORK" --set "$s" --spec "$(spec_of "$s")" --parts-of "$parts_of"
done

version_of() {
  case $1 in
    curl*) curl --version | head -1 ;;
    ossbatch) echo "ossbatch $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)" ;;
    oss2) python3 -c 'import oss2; print("oss2", oss2.__version__)' ;;
    ossv2) python3 -c 'import alibabacloud_oss_v2 as o; print("alibabacloud-oss-v2", o.__version__)' ;;
    rclone) rclone version | head -1 ;;
    aws) aws --version 2>&1 | head -1 ;;
  esac
}
versions=()
for p in "${peers[@]}"; do versions+=("$p=$(version_of "$p")"); done
python3 - "$out/meta.json" "$invocation" "$C" "$PART" "$reps" "${set_list[*]}" "${peers[*]}" "${servers[*]}" \
  "${versions[@]}" <<'EOF'
import json, os, platform, subprocess, sys, time
path, cmd, c, part, reps, sets, peers, servers, *versions = sys.argv[1:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
json.dump({"command": cmd, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "machine": {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(int(mem) / 2**20, 1),
                       "kernel": platform.release()},
           "params": {"concurrency": int(c), "part_size": int(part), "reps": int(reps)},
           "sets": sets.split(), "peers": peers.split(), "servers": servers.split(),
           "versions": dict(v.split("=", 1) for v in versions)}, open(path, "w"), indent=1)
EOF

# ---- one server per run: its counters and its CPU time are that run's alone ----------------------------
SERVER='' SERVER_PID=''
start_server() { # FLAVOR DIR
  local log=$2/server.log port=''
  if [[ $1 == sinkd ]]; then
    port=$("$SINKD_START" --pidfile "$2/server.pid" --log "$log")
    SERVER_PID=$(cat "$2/server.pid")
  else
    "$LOCALOSS" --port 0 --data "$2/server-data" --bucket "$BUCKET" --region "$REGION" --discard >"$log" 2>&1 </dev/null &
    SERVER_PID=$!
    for _ in $(seq 200); do
      port=$(sed -n '1s/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
      [[ -z $port ]] || break
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
    [[ -n $port ]] || { cat "$log" >&2; die "local-oss did not start"; }
  fi
  SERVER=http://127.0.0.1:$port
}
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=''
}
trap stop_server EXIT
server_ticks() { local st; read -r -a st <"/proc/$SERVER_PID/stat"; echo $((st[13] + st[14])); }

failed=()
run_one() { # SERVER_FLAVOR SET PEER REP
  local flavor=$1 peer=$3 rep=$4 rc t0 t1 k0 k1
  SET=$2
  DIR=$WORK/$SET
  PREFIX="r$rep/$SET/$peer/"
  RUN=$out/runs/$flavor-$SET-$peer-r$rep
  rm -rf "$RUN" && mkdir -p "$RUN"
  if has_multipart "$SET"; then F=4 P=$((C / 4)); else F=$C P=1; fi
  start_server "$flavor" "$RUN"
  CMD=() SETTINGS=''
  "peer_${peer//-/_}"
  # Read the inputs first (unmeasured) so every client reads from the page cache.
  find "$DIR" -type f -exec cat {} + >/dev/null
  [[ $peer != curl-parts ]] || find "$WORK/$SET.parts" -type f -exec cat {} + >/dev/null
  k0=$(server_ticks) t0=$EPOCHREALTIME
  set +e
  (cd "$RUN" && exec /usr/bin/time -v -o "$RUN/time.txt" timeout --foreground -k 10 "$RUN_TIMEOUT" "${CMD[@]}") \
    >"$RUN/client.log" 2>&1 </dev/null
  rc=$?
  set -e
  t1=$EPOCHREALTIME k1=$(server_ticks)
  if ! python3 "$LIB/bench.py" check --out "$out" --index "$WORK/$SET.index.json" --server "$SERVER" \
      --flavor "$flavor" --bucket "$BUCKET" --prefix "$PREFIX" --peer "$peer" --set "$SET" --rep "$rep" \
      --settings "$SETTINGS" --command "${CMD[*]}" --rc "$rc" --wall "$(python3 -c "print(${t1/,/.} - ${t0/,/.})")" \
      --server-ticks $((k1 - k0)) --time-file "$RUN/time.txt" --log "$RUN/client.log"; then
    failed+=("$flavor/$peer/$SET/r$rep")
    say "FAILED: $peer on $SET (rep $rep, $flavor); $RUN/client.log ends:"
    tail -5 "$RUN/client.log" >&2 || true
  fi
  stop_server
  rm -rf "$RUN/server-data" "$RUN/checkpoints"
}

say "${peers[*]} on ${set_list[*]} × $reps reps against ${servers[*]}; results in $out"
for flavor in "${servers[@]}"; do
  for ((rep = 1; rep <= reps; rep++)); do
    for s in "${set_list[@]}"; do
      for p in "${peers[@]}"; do
        [[ $p != curl-parts ]] || has_multipart "$s" || continue # without big files it is plain curl
        run_one "$flavor" "$s" "$p" "$rep"
      done
    done
  done
done

python3 "$LIB/bench.py" report --out "$out" --reps "$reps"
say "table.md, runs.json and per-run logs in $out"
if ((${#failed[@]})); then
  say "FAILED: ${#failed[@]} run(s) did not deliver every byte: ${failed[*]}"
  exit 1
fi
