#!/usr/bin/env bash
# A/B of patches/koa@3.3.0.patch: our server with the patched Koa against the same build with
# Koa as published, on random lines of a data file, rounds interleaved. Prints each run and the
# medians: req/s and the main thread's CPU per request.
#   bench/scripts/koa-patch-ab.sh [--pin] [--rounds N] [--seconds S] [data-file]
# --pin: server on CPU 0, one wrk thread on CPU 1 (steadier); default: wrk -t2, unpinned.
# Needs ./build.sh first, wrk, curl and patch (apt-get install wrk curl patch).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/common.sh
pin=false rounds=6 seconds=5 data=bench/.data/lines-1073741824-seed1.txt
parse_options "pin rounds seconds" "$@"
require_data_file "$data"
require_tools wrk curl patch

# An unpatched copy beside the patched one, in the same node_modules, so Koa's own
# dependencies resolve the same way.
koa=$(node -p "require('path').dirname(require.resolve('koa/package.json', { paths: ['packages/gateway'] }))")
unpatched="$(dirname "$koa")/koa-unpatched"
rm -rf "$unpatched"; cp -r "$koa" "$unpatched"
patch -s -R -d "$unpatched" -p1 < patches/koa@3.3.0.patch
scratch=$(mktemp -d)
trap 'rm -rf "$unpatched" "$scratch"' EXIT

lines=$(data_line_count "$data")
lua=$(random_lines_lua "$scratch")
port=$(free_port)
if $pin; then server_cpu=(taskset -c 0); wrk_cmd=(taskset -c 1 wrk -t1); else server_cpu=(); wrk_cmd=(wrk -t2); fi

ticks=$(getconf CLK_TCK)
run_arm () { # label, NODE_OPTIONS, UNPATCHED_KOA_DIR, seed
  env NODE_OPTIONS="$2" UNPATCHED_KOA_DIR="$3" "${server_cpu[@]}" node packages/gateway/bin/line-server.js serve "$data" --host 127.0.0.1 --port $port >/dev/null 2>&1 &
  local pid=$!
  wait_for_http "http://127.0.0.1:$port/readyz" 30 || { kill $pid; return 1; }
  "${wrk_cmd[@]}" -c100 -d1 -s "$lua" "http://127.0.0.1:$port/" -- "$lines" "$4" >/dev/null
  local before after out
  before=$(awk '{print $14 + $15}' /proc/$pid/task/$pid/stat)
  out=$("${wrk_cmd[@]}" -c100 -d"$seconds" -s "$lua" "http://127.0.0.1:$port/" -- "$lines" "$4")
  after=$(awk '{print $14 + $15}' /proc/$pid/task/$pid/stat)
  kill $pid; wait $pid 2>/dev/null || true
  local rps requests
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$1 $rps $(awk -v a="$before" -v b="$after" -v n="$requests" -v t="$ticks" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')"
}

results="$scratch/results"
hook="$PWD/bench/scripts/unpatched-koa-hook.mjs"
for round in $(seq "$rounds"); do
  # Alternate which arm goes first, so neither always follows the other's load.
  if [ $((round % 2)) -eq 1 ]; then arms=(patched unpatched); else arms=(unpatched patched); fi
  for arm in "${arms[@]}"; do
    if [ "$arm" = patched ]; then line=$(run_arm patched "" "" "$round"); else line=$(run_arm unpatched "--import=$hook" "$unpatched" "$round"); fi
    read -r _ rps us <<<"$line"
    echo "round $round: $arm $rps req/s $us main µs/req"
    echo "$line" >> "$results"
  done
done
median () { sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
for arm in patched unpatched; do
  echo "$arm: median $(awk -v a=$arm '$1 == a {print $2}' "$results" | median) req/s, $(awk -v a=$arm '$1 == a {print $3}' "$results" | median) main µs/req"
done
