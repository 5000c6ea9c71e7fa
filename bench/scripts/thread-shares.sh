#!/usr/bin/env bash
# How each server's main thread spends its time under load, from the kernel's own accounting
# (/proc/<pid>/task/<tid>/schedstat): the share of wall time it ran, waited for a core with work
# to do, and slept with none; its CPU per request, and the CPU per request of all its other
# threads (engine workers, V8's helpers). The bottleneck thread should run, not wait: on 2 cores
# shared with wrk, ours' main thread waited 7-8% of the time with its workers at its own
# priority. Rounds alternate ours (default options, or --options) and node:http + readSync,
# each a fresh server, 2 s of warm-up, then `wrk -t2 -c100` on random lines of the data file.
#   bench/scripts/thread-shares.sh [--rounds N] [--seconds S] [--options "<server options>"] [data-file]
# Needs ./build.sh first, wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/common.sh
rounds=3 seconds=5 options="" data=bench/.data/lines-1073741824-seed1.txt
parse_options "rounds seconds options" "$@"
require_positive_integers "--rounds and --seconds" "$rounds" "$seconds"
require_data_file "$data"
require_tools wrk curl
prepare_server_run
data=$(realpath "$data")

# Run and wait ns of every thread of $1, one "tid run wait" line each.
thread_times () { for task in /proc/"$1"/task/*; do echo "${task##*/} $(awk '{print $1, $2}' "$task/schedstat")"; done; }

run_arm () { # arm, round
  local arm=$1 round=$2 out started ended
  if [ "$arm" = ours ]; then
    # shellcheck disable=SC2086 # the options are meant to split into words
    node packages/gateway/bin/line-server.js serve "$data" --host 127.0.0.1 --port "$port" --index-dir "$scratch/index" $options > "$scratch/server.log" 2>&1 &
  else
    node bench/dist/src/baselines/node-readsync-server.js "$data" --host 127.0.0.1 --port "$port" > "$scratch/server.log" 2>&1 &
  fi
  server=$!
  wait_for_http "http://127.0.0.1:$port/lines/1" 120 "$server" || { echo "$arm did not start:" >&2; cat "$scratch/server.log" >&2; exit 1; }
  wrk -t2 -c100 -d2 -s "$lua" "http://127.0.0.1:$port/" -- "$lines" "$round" > /dev/null
  thread_times "$server" > "$scratch/before"
  started=$(date +%s%N)
  out=$(wrk -t2 -c100 -d"$seconds" -s "$lua" "http://127.0.0.1:$port/" -- "$lines" "$round")
  ended=$(date +%s%N)
  thread_times "$server" > "$scratch/after"
  local pid=$server
  kill "$server"; wait "$server" 2>/dev/null || true
  server=""
  # Threads that ended during the run are left out; the engine's workers live as long as the server.
  join <(sort "$scratch/before") <(sort "$scratch/after") | awk -v main="$pid" -v arm="$arm" -v round="$round" \
    -v wall=$((ended - started)) -v requests="$(awk '/requests in/ {print $1}' <<<"$out")" \
    -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" '
    $1 == main { run = $4 - $2; wait = $5 - $3; next }
    { other += $4 - $2 }
    END { print arm, rps, 100 * run / wall, 100 * wait / wall, 100 * (wall - run - wait) / wall, run / 1000 / requests, other / 1000 / requests }' \
    | tee -a "$scratch/rows" | print_rows "round $round:"
}

print_rows () { # label; reads "arm req/s ran% waited% slept% main-µs other-µs" lines
  awk -v label="$1" '{ printf "%s %-4s %6.0f req/s; main thread ran %4.1f%%, waited for a core %4.1f%%, slept %4.1f%%; %5.1f µs CPU per request; other threads %5.1f µs\n", label, $1, $2, $3, $4, $5, $6, $7 }'
}

for round in $(seq "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then arms=(ours node); else arms=(node ours); fi
  for arm in "${arms[@]}"; do run_arm "$arm" "$round"; done
done
# Each column's median over the rounds, per server.
for arm in ours node; do
  awk -v arm="$arm" '$1 == arm' "$scratch/rows" | node --input-type=module -e "
    const { median } = await import('./bench/dist/src/ladder/ladder-results.js')
    const rows = (await import('node:fs')).readFileSync(0, 'utf8').trim().split('\\n').map((line) => line.split(' '))
    console.log([rows[0][0], ...rows[0].slice(1).map((_, i) => median(rows.map((row) => Number(row[i + 1]))))].join(' '))"
done | print_rows "median of $rounds:"
