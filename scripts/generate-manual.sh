#!/usr/bin/env bash
# Generates the man page ossbatch(1) from the command definitions, with swift-argument-parser's
# generate-manual plugin, and checks that it documents every subcommand. Prints the page's path:
#   install -Dm644 "$(scripts/generate-manual.sh)" /usr/local/share/man/man1/ossbatch.1
#   scripts/generate-manual.sh [BINARY] [OUTPUT_DIR]   (default: the build of scripts/build-release.sh, .build/man)
# The page is not committed: it is made from the binary being installed, so it cannot fall behind it.
# The date in the page is the last commit's (or SOURCE_DATE_EPOCH's), so the same sources give the same page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/progress.sh
binary=${1:-$(swift build -c release --static-swift-stdlib --show-bin-path)/ossbatch}
out=${2:-.build/man}
[ -x "$binary" ] || { echo "error: no $binary; run scripts/build-release.sh first" >&2; exit 1; }

# The plugin builds the whole package before it runs its tool; asking it for --help builds only the tool
# (a few seconds), which then runs on the binary at hand. The flags are scripts/test.sh's, so the
# ArgumentParser module the tool shares with the debug build is not rebuilt.
flags=(-Xswiftc -warnings-as-errors --explicit-target-dependency-import-check error)
with_progress "building generate-manual" swift package "${flags[@]}" plugin generate-manual --help
tool="$(swift build "${flags[@]}" --show-bin-path)/generate-manual-tool"
[ -x "$tool" ] || { echo "error: the generate-manual plugin left no $tool" >&2; exit 1; }

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)
else
    date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
fi
mkdir -p "$out"
"$tool" "$binary" --output-directory "$out" --date "$date"
page="$out/ossbatch.1"

# Every subcommand has its section: a command added without a page would fail here (CI runs this).
for command in $("$binary" --help | sed -n '/^SUBCOMMANDS:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
    grep -q "^\.It Em $command\$" "$page" || { echo "error: $page has no section for '$command'" >&2; exit 1; }
done
echo "$page"
