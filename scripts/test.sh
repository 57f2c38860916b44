#!/usr/bin/env bash
# The project's test command (the README's quick start runs this): builds everything and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
swift test
