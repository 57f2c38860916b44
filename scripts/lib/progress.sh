# Sourced by the build scripts. `with_progress LABEL COMMAND...` runs a SwiftPM command and shows its
# progress on stderr instead of a minute of silence: on a terminal one line redrawn in place
# ("building ossbatch: [312/654] Compiling NIOPosix …"), otherwise (CI logs, pipes) a line every tenth of
# the way. SwiftPM's full output is printed only when the command fails. Returns the command's status.
with_progress() {
    local label=$1
    shift
    local log started=$SECONDS status
    log=$(mktemp)
    set +e
    "$@" 2>&1 | tee "$log" | {
        local line shown=-1 total=0 printed=-10 tenth width=$((${COLUMNS:-100} - ${#label} - 3))
        while IFS= read -r line; do
            if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
                if [ -t 2 ]; then
                    printf '\r\033[K%s: %s' "$label" "${line:0:$width}" >&2
                    continue
                fi
                # SwiftPM finds more steps as it goes ([9/20], then [24/400]): a new total starts the tenths
                # again, but prints at most every few seconds.
                if [ "${BASH_REMATCH[2]}" != "$total" ]; then
                    total=${BASH_REMATCH[2]}
                    shown=-1
                fi
                tenth=$((BASH_REMATCH[1] * 10 / total))
                if [ "$tenth" -gt "$shown" ] && { [ "$shown" -ge 0 ] || [ $((SECONDS - printed)) -ge 5 ]; }; then
                    shown=$tenth
                    printed=$SECONDS
                    echo "$label: $((tenth * 10))% (${BASH_REMATCH[1]}/$total steps)" >&2
                fi
            elif [[ $line == Fetching* || $line == Computing* || $line == Cloning* ]]; then
                # Resolving packages can take a while too.
                if [ -t 2 ]; then printf '\r\033[K%s: %s' "$label" "${line:0:$width}" >&2; else echo "$label: $line" >&2; fi
            fi
        done
    }
    status=${PIPESTATUS[0]}
    set -e
    if [ -t 2 ]; then printf '\r\033[K' >&2; fi
    if [ "$status" -ne 0 ]; then
        cat "$log" >&2
        echo "$label: failed (exit $status)" >&2
    else
        echo "$label: done in $((SECONDS - started)) s" >&2
    fi
    rm -f "$log"
    return "$status"
}
