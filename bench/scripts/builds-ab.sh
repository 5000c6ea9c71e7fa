#!/usr/bin/env bash
# Two builds of the server side by side: this working tree's (built) and a git revision's,
# cloned, installed and built in a scratch directory. --options and --against-options pass
# server options to either (split on spaces), so `--against HEAD --against-options
# "--worker-nice 0"` compares two settings of one build. In each block both servers start fresh,
# then take turns under `wrk -t2 -c100` (random lines of a data file) in short runs. Prints each
# run, then the median of the paired req/s ratios (this tree over the revision), in how many runs
# and blocks this tree was ahead, and the median ratio of main-thread CPU per request.
# Why this shape: on this machine the speed moves by ±20% from one second to the next, which two
# adjacent short runs share; and two servers of one build can differ by ±5% for as long as they
# run (the JIT's decisions), which fresh servers in every block average out. A comparison of one
# build against itself on one pair of servers came out at 0.96 over 60 runs.
#   bench/scripts/builds-ab.sh --against <git-rev> [--blocks N] [--rounds N] [--seconds S]
#     [--options "<server options>"] [--against-options "<server options>"] [data-file]
# Needs ./build.sh first, git, wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/common.sh
against="" blocks=12 rounds=4 seconds=2 options="" against_options="" data=bench/.data/lines-1073741824-seed1.txt
parse_options "against blocks rounds seconds options against_options" "$@"
[ -n "$against" ] || { echo "usage: builds-ab.sh --against <git-rev> [--blocks N] [--rounds N] [--seconds S] [--options \"...\"] [--against-options \"...\"] [data-file]" >&2; exit 2; }
require_positive_integers "--blocks, --rounds and --seconds" "$blocks" "$rounds" "$seconds"
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

start_server () { # root, port, server options, log name: prints the server's pid
  # shellcheck disable=SC2086 # the options are meant to split into words
  (cd "$scratch" && exec node "$1/packages/gateway/bin/line-server.js" serve "$data" --host 127.0.0.1 --port "$2" --index-dir "$scratch/index" $3 > "$scratch/$4.log" 2>&1) &
  echo $!
}
wait_for_server () { # pid, port, log name: a server that exits (e.g. on a bad option) fails at once
  wait_for_http "http://127.0.0.1:$2/readyz" 120 "$1" && return 0
  if kill -0 "$1" 2>/dev/null; then echo "the $3 server did not get ready within 120 s" >&2; else echo "the $3 server exited:" >&2; cat "$scratch/$3.log" >&2; fi
  exit 1
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
here_label="this tree${options:+ ($options)}"
other_label="$against${against_options:+ ($against_options)}"
for block in $(seq "$blocks"); do
  # Alternate which server starts first, and which runs first in each pair.
  if [ $((block % 2)) -eq 1 ]; then here=$(start_server "$PWD" "$here_port" "$options" here); other=$(start_server "$scratch/other" "$other_port" "$against_options" other)
  else other=$(start_server "$scratch/other" "$other_port" "$against_options" other); here=$(start_server "$PWD" "$here_port" "$options" here); fi
  servers=("$here" "$other")
  wait_for_server "$here" "$here_port" here
  wait_for_server "$other" "$other_port" other
  measure "$here" "$here_port" 0 1 >/dev/null
  measure "$other" "$other_port" 0 1 >/dev/null
  for round in $(seq "$rounds"); do
    seed=$((block * 1000 + round))
    if [ $(((block + round) % 2)) -eq 0 ]; then a=$(measure "$here" "$here_port" "$seed" "$seconds"); b=$(measure "$other" "$other_port" "$seed" "$seconds")
    else b=$(measure "$other" "$other_port" "$seed" "$seconds"); a=$(measure "$here" "$here_port" "$seed" "$seconds"); fi
    echo "block $block run $round: $here_label $a, $other_label $b (req/s, main µs/req)"
    echo "$block $a $b" >> "$results"
  done
  kill "$here" "$other"; wait "$here" "$other" 2>/dev/null || true
  servers=()
done
node bench/scripts/builds-ab-summary.mjs "$results" "$other_label" "$here_label"
