#!/usr/bin/env bash
# ./test.sh          builds, then runs every test: unit, end-to-end and the heavy suites.
# ./test.sh --fast   only the fast suites (no multi-GB files, no load or integration tests).
# Ends with one line: "N passed, M failed".
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
"$ROOT/build.sh"
exec node "$ROOT/scripts/run-tests.mjs" "$@"
