#!/usr/bin/env bash
# Where each server's CPU goes per request: ours (default options) against the node:http +
# readSync baseline, on random lines of a data file under `wrk -t2 -c100`, rounds interleaved.
# perf records only time a thread ran (--cpu-prof samples wall time, and on 2 cores shared
# with wrk it charges preemption to whatever call was running), with call stacks, so
# perf-categories.mjs can charge V8's builtins to the JavaScript that called them. It prints
# µs per request by thread and by what the main thread ran, medians of the rounds. Recording
# slows each server (ours more: it switches threads more), so compare categories, not req/s.
#   bench/scripts/main-thread-perf.sh [--rounds N] [--seconds S] [data-file]
# Needs ./build.sh first, wrk, curl and perf (apt-get install wrk curl linux-perf), and root or
# kernel.perf_event_paranoid <= 1 for the kernel's symbols.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/common.sh
rounds=3 seconds=5 data=bench/.data/lines-1073741824-seed1.txt
parse_options "rounds seconds" "$@"
require_data_file "$data"
require_tools wrk curl perf
# 2 kHz: 500 µs of CPU per sample; over a 5 s run at 15k req/s, 0.1 µs per request is 150 samples.
hz=2000
prepare_server_run
root=$PWD
data=$(realpath "$data")

run_arm () { # arm, round
  local arm=$1 round=$2 recorder out rps
  # --perf-basic-prof writes /tmp/perf-<pid>.map, which names the JIT-compiled functions, and
  # V8 logs into the working directory: the servers run in the scratch one.
  if [ "$arm" = ours ]; then
    (cd "$scratch" && exec node --perf-basic-prof "$root/packages/gateway/bin/line-server.js" serve "$data" --host 127.0.0.1 --port "$port" > server.log 2>&1) &
  else
    (cd "$scratch" && exec node --perf-basic-prof "$root/bench/dist/src/baselines/node-readsync-server.js" "$data" --host 127.0.0.1 --port "$port" > server.log 2>&1) &
  fi
  server=$!
  wait_for_http "http://127.0.0.1:$port/lines/1" 60 "$server" || { echo "$arm did not start:" >&2; cat "$scratch/server.log" >&2; exit 1; }
  wrk -t2 -c100 -d3 -s "$lua" "http://127.0.0.1:$port/" -- "$lines" "$round" >/dev/null
  perf record -q -g -e cpu-clock -F "$hz" -p "$server" -o "$scratch/$arm-$round.data" >/dev/null 2>&1 &
  recorder=$!
  sleep 0.3 # perf attaches to every thread before the load starts
  out=$(wrk -t2 -c100 -d"$seconds" -s "$lua" "http://127.0.0.1:$port/" -- "$lines" "$round")
  kill -INT "$recorder"; wait "$recorder" || true
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  echo "$(awk '/requests in/ {print $1}' <<<"$out") $rps $server" > "$scratch/$arm-$round.requests"
  # Symbolised while the server's perf map still exists.
  perf script -i "$scratch/$arm-$round.data" -F tid,ip,sym,dso 2>/dev/null > "$scratch/$arm-$round.stacks"
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -f "/tmp/perf-$server.map" "$scratch/$arm-$round.data" "$scratch"/*.log
  server=""
  printf 'round %s: %s %.0f req/s\n' "$round" "$arm" "$rps"
}

for round in $(seq "$rounds"); do
  # Alternate which arm goes first, so neither always follows the other's load.
  if [ $((round % 2)) -eq 1 ]; then arms=(ours node); else arms=(node ours); fi
  for arm in "${arms[@]}"; do run_arm "$arm" "$round"; done
done
node bench/scripts/perf-categories.mjs "$scratch" "$hz" ours node
