#!/usr/bin/env bash
# ./run.sh <file> [options]  serves <file> (building and indexing first when needed).
# ./run.sh                   generates a small demo file under data/ and serves it.
# Options: ./run.sh <file> --help
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
"$ROOT/build.sh"
if [[ $# -eq 0 || "$1" == --* ]]; then
  mkdir -p "$ROOT/data"
  DEMO="$ROOT/data/demo.txt"
  [[ -f "$DEMO" ]] || node "$ROOT/packages/testkit/bin/generate-data.js" --size 16M --out "$DEMO" --seed 1 >&2
  echo "run.sh: no file given; serving the demo file $DEMO" >&2
  set -- "$DEMO" "$@"
fi
FILE="$1"; shift
exec node "$ROOT/packages/gateway/bin/line-server.js" serve "$FILE" "$@"
