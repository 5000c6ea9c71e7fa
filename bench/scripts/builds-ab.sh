#!/usr/bin/env bash
# Two builds of the server side by side: this working tree's (built) and a git revision's,
# cloned, installed and built in a scratch directory. In each block both servers start fresh,
# then take turns under `wrk -t2 -c100` (random lines of a data file) in short runs. Prints each
# run, then the median of the paired req/s ratios (this tree over the revision), in how many runs
# and blocks this tree was ahead, and the median ratio of main-thread CPU per request.
# Why this shape: on this machine the speed moves by ±20% from one second to the next, which two
# adjacent short runs share; and two servers of one build can differ by ±5% for as long as they
# run (the JIT's decisions), which fresh servers in every block average out. A comparison of one
# build against itself on one pair of servers came out at 0.96 over 60 runs.
#   bench/scripts/builds-ab.sh --against <git-rev> [--blocks N] [--rounds N] [--seconds S] [data-file]
# Needs ./build.sh first, git, wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/common.sh
against="" blocks=12 rounds=4 seconds=2 data=bench/.data/lines-1073741824-seed1.txt
parse_options "against blocks rounds seconds" "$@"
[ -n "$against" ] || { echo "usage: builds-ab.sh --against <git-rev> [--blocks N] [--rounds N] [--seconds S] [data-file]" >&2; exit 2; }
for number in "$blocks" "$rounds" "$seconds"; do
  [[ "$number" =~ ^[1-9][0-9]*$ ]] || { echo "--blocks, --rounds and --seconds take positive integers, not $number" >&2; exit 2; }
done
require_data_file "$data"
require_tools git wrk curl
git rev-parse --verify --quiet "$against^{commit}" >/dev/null || { echo "no such revision: $against" >&2; exit 2; }

scratch=$(mktemp -d)
servers=()
trap 'for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$scratch"' EXIT
echo "building $against in $scratch/other" >&2
git clone --quiet --no-checkout . "$scratch/other"
git -C "$scratch/other" checkout --quiet "$(git rev-parse "$against")"
PATH="$PWD/.tools/node_modules/.bin:$PWD/.tools/bin:$PATH" "$scratch/other/build.sh" > "$scratch/build.log" 2>&1 || { cat "$scratch/build.log" >&2; exit 1; }

lines=$(data_line_count "$data")
lua=$(random_lines_lua "$scratch")
data=$(realpath "$data")
here_port=$(free_port)
other_port=$(free_port)
while [ "$other_port" = "$here_port" ]; do other_port=$(free_port); done

start_server () { # root, port: prints the server's pid
  (cd "$scratch" && exec node "$1/packages/gateway/bin/line-server.js" serve "$data" --host 127.0.0.1 --port "$2" --index-dir "$scratch/index" > /dev/null 2>&1) &
  echo $!
}
main_thread_ns () { awk '{print $1}' "/proc/$1/task/$1/schedstat"; }
measure () { # pid, port, seed, seconds: prints "req/s main-µs-per-request"
  local before out requests
  before=$(main_thread_ns "$1")
  out=$(wrk -t2 -c100 -d"$4" -s "$lua" "http://127.0.0.1:$2/" -- "$lines" "$3")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  awk -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" -v ns=$(( $(main_thread_ns "$1") - before )) -v n="$requests" 'BEGIN {printf "%.0f %.2f", rps, ns / 1000 / n}'
}

results="$scratch/results"
for block in $(seq "$blocks"); do
  # Alternate which server starts first, and which runs first in each pair.
  if [ $((block % 2)) -eq 1 ]; then here=$(start_server "$PWD" "$here_port"); other=$(start_server "$scratch/other" "$other_port")
  else other=$(start_server "$scratch/other" "$other_port"); here=$(start_server "$PWD" "$here_port"); fi
  servers=("$here" "$other")
  wait_for_http "http://127.0.0.1:$here_port/readyz" 120
  wait_for_http "http://127.0.0.1:$other_port/readyz" 120
  measure "$here" "$here_port" 0 1 >/dev/null
  measure "$other" "$other_port" 0 1 >/dev/null
  for round in $(seq "$rounds"); do
    seed=$((block * 1000 + round))
    if [ $(((block + round) % 2)) -eq 0 ]; then a=$(measure "$here" "$here_port" "$seed" "$seconds"); b=$(measure "$other" "$other_port" "$seed" "$seconds")
    else b=$(measure "$other" "$other_port" "$seed" "$seconds"); a=$(measure "$here" "$here_port" "$seed" "$seconds"); fi
    echo "block $block run $round: this tree $a, $against $b (req/s, main µs/req)"
    echo "$block $a $b" >> "$results"
  done
  kill "$here" "$other"; wait "$here" "$other" 2>/dev/null || true
  servers=()
done
node bench/scripts/builds-ab-summary.mjs "$results" "$against"
