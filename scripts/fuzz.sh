#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer and AddressSanitizer (docs/architecture.md § Fuzzing).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: manifest report request (default: all, 60 s each)
# Builds the fuzz programs in .build-fuzz (swiftc -sanitize=fuzzer,address; clang for the C modules), then
# runs the targets side by side, each for SECONDS, from a working copy of its seeds: Fuzz/Corpus/TARGET, the
# shipped manifests (manifests/) and the format-1 report fixture (Tests/Fixtures/v1-batch). Prints each
# target's executions; exits 1 if any crashed, timed out (10 s for one input) or ran out of memory, with the
# input saved to Fuzz/Crashes/TARGET/. Replay one with .build/debug/fuzz-TARGET FILE (an ordinary build),
# then make it a regression test and keep it in Fuzz/Corpus/TARGET (FuzzCorpusTests replays them all).
# FUZZ_CORPUS_DIR=DIR keeps the working corpora in DIR, so that they grow over several runs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[[ $# -gt 0 ]] && shift
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(manifest report request)

flags=(
    --scratch-path .build-fuzz
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DOSSBATCH_FUZZING
    -Xcc -fsanitize=fuzzer-no-link,address
)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date +%s)
for target in "${targets[@]}"; do
    # ld.gold warns about symbols ASan's runtime defines locally; they are harmless, so the log is only shown
    # when the build fails.
    swift build "${flags[@]}" --product "fuzz-$target" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
done
bin=$(swift build "${flags[@]}" --show-bin-path)
echo "fuzz: built ${targets[*]} in $(($(date +%s) - started)) s"

work=${FUZZ_CORPUS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ossbatch-fuzz.XXXXXX")}
for target in "${targets[@]}"; do
    corpus="$work/$target"
    mkdir -p "$corpus" "Fuzz/Crashes/$target"
    cp Fuzz/Corpus/"$target"/* "$corpus"/
    case $target in
    manifest) cp manifests/*.yaml manifests/features/*.yaml "$corpus"/ ;;
    report)
        # The report and its journal as one input, split at a line `\0JOURNAL\0` (Fuzz/ReportFuzzer).
        { cat Tests/Fixtures/v1-batch/report.json; printf '\n\0JOURNAL\0\n'
          cat Tests/Fixtures/v1-batch/report.json.journal; } >"$corpus/v1-batch"
        ;;
    esac
done

# Leak checking is off: LeakSanitizer reports allocations of the Swift runtime and Foundation (metadata
# caches, file reads) that it cannot see freed; a leak of our own would show as memory growth (-rss_limit_mb).
export ASAN_OPTIONS=detect_leaks=0:${ASAN_OPTIONS:-}
# Swift's own crash backtracer trips AddressSanitizer while it reads the crashed stack; libFuzzer reports the
# crash and saves the input without it.
export SWIFT_BACKTRACE=enable=no
pids=()
for target in "${targets[@]}"; do
    args=("$work/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -detect_leaks=0
        -artifact_prefix="Fuzz/Crashes/$target/" -print_final_stats=1)
    "$bin/fuzz-$target" "${args[@]}" >"$work/$target.log" 2>&1 &
    pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
    target=${targets[$i]}
    status=0
    wait "${pids[$i]}" || status=$?
    execs=$(awk '/stat::number_of_executed_units/ {print $2; exit}' "$work/$target.log")
    rate=$(awk '/stat::average_exec_per_sec/ {print $2; exit}' "$work/$target.log")
    if [[ $status -ne 0 ]]; then
        failed=1
        echo "fuzz: $target FAILED after ${seconds} s (exit $status); log: $work/$target.log"
        grep -E "ERROR|SUMMARY|Fatal error|deadly signal|Test unit written|timeout" "$work/$target.log" | head -20 || true
    else
        echo "fuzz: $target: ${execs:-?} executions in ${seconds} s (${rate:-?}/s), no crash"
    fi
done
if [[ $failed -eq 0 && -z ${FUZZ_CORPUS_DIR:-} ]]; then
    # A clean run's throwaway corpora are of no further use (CI left one directory a run behind).
    rm -rf "$work"
else
    echo "fuzz: corpora and logs in $work"
fi
exit $failed
