#!/usr/bin/env bash
# The project's test command (the README's quick start runs this): checks formatting, builds everything
# with warnings as errors and every import declared, generates the man page, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/lint.sh
scripts/validate-deploy.sh
# No test may reach the real ECS metadata service (the credential chain's last source): tests that need one
# start a loopback fake and point OSSBATCH_ECS_METADATA_ENDPOINT at it.
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
flags=(-Xswiftc -warnings-as-errors --explicit-target-dependency-import-check error)
swift build --build-tests "${flags[@]}"
# The man page generates from the command definitions and documents every subcommand.
scripts/generate-manual.sh "$(swift build "${flags[@]}" --show-bin-path)/ossbatch" .build/man >/dev/null
# At most 12 tests at a time: unbounded, the whole suite starts at once (~580 tests, each with its servers and
# processes) and on 2 cores a test's task could wait half a minute for a thread — long enough for a part a test
# held to outlast curl's 30 s timeout and be sent again. Measured on 2 cores: 113 s at 12 against 107 s unbounded.
swift test "${flags[@]}" --experimental-maximum-parallelization-width 12
