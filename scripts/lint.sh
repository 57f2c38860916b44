#!/usr/bin/env bash
# Fails on any `swift format lint --strict` finding (the rules are in .swift-format).
# `swift format -i -r Sources Tests Benchmarks Plugins Package.swift` fixes most of them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --parallel -r Sources Tests Benchmarks Plugins Package.swift
