#!/usr/bin/env bash
# Builds release products the way ossbatch ships: the Swift runtime and Foundation linked in
# (--static-swift-stdlib), so the binary runs on a machine without Swift — it needs only libcurl,
# OpenSSL and liblzma — and starts faster (no 20 Swift libraries to load and relocate at every cron run).
# Every release build in this repository goes through here: SwiftPM rebuilds everything when the flag
# changes between builds.
#   scripts/build-release.sh [PRODUCT...]     (default: ossbatch); prints the directory of the binaries.
# Progress goes to stderr (a first build takes minutes); stdout is only the directory, for
#   install -s "$(scripts/build-release.sh)/ossbatch" /usr/local/bin/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/progress.sh
products=("$@")
[[ ${#products[@]} -gt 0 ]] || products=(ossbatch)
for product in "${products[@]}"; do
    with_progress "building $product (release)" swift build -c release --static-swift-stdlib --product "$product"
done
swift build -c release --static-swift-stdlib --show-bin-path
