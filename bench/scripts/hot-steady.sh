#!/usr/bin/env bash
# The cache's hit ratio as a long-running server sees it: one server, then window after window
# of wrk sending the bench's hot pattern (Zipf s=1.1 over every line, scattered the same way as
# bench/src/request-paths.ts), each window drawing fresh requests. Prints per window the
# requests so far, the window's hit ratio (from /metrics) and req/s. The bench's own cells
# last seconds and start cold; this shows where the ratio settles after millions of requests.
#   bench/scripts/hot-steady.sh [--cache BYTES] [--windows N] [--seconds S] [data-file]
# Needs ./build.sh first, wrk and curl (apt-get install wrk curl).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/common.sh
cache="" windows=8 seconds=40 data=bench/.data/lines-1073741824-seed1.txt
parse_options "cache windows seconds" "$@"
require_data_file "$data"
require_tools wrk curl
lines=$(data_line_count "$data")
scratch=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$scratch"' EXIT

# Each wrk thread seeds from its number and the window's, so no window replays another's requests.
cat > "$scratch/zipf.lua" <<LUA
local n, a, step = $lines, 1 - 1.1, 1000003
local na = n ^ a
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) math.randomseed(id * 7919 + 1000003 * tonumber(args[1]) + 17) end
function request()
  local rank = math.floor(((na - 1) * math.random() + 1) ^ (1 / a))
  if rank < 1 then rank = 1 elseif rank > n then rank = n end
  return wrk.format("GET", "/lines/" .. (1 + ((rank - 1) * step) % n))
end
LUA

port=$(free_port)
node packages/gateway/bin/line-server.js serve "$data" --host 127.0.0.1 --port "$port" ${cache:+--cache-bytes "$cache"} > "$scratch/server.log" 2>&1 &
server=$!
wait_for_http "http://127.0.0.1:$port/readyz" 60 "$server" || { cat "$scratch/server.log" >&2; exit 1; }
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
echo "cache budget ${cache:-the default}; $lines lines; $windows windows of $seconds s"
total=0
for w in $(seq "$windows"); do
  hits0=$(metric line_server_cache_hits_total); misses0=$(metric line_server_cache_misses_total)
  rate=$(wrk -t2 -c100 -d"$seconds" -s "$scratch/zipf.lua" "http://127.0.0.1:$port/" -- "$w" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
  hits=$(( $(metric line_server_cache_hits_total) - hits0 )); misses=$(( $(metric line_server_cache_misses_total) - misses0 ))
  total=$(( total + hits + misses ))
  awk -v w="$w" -v t="$total" -v h="$hits" -v m="$misses" -v r="$rate" -v e="$(metric line_server_cache_entries)" \
    'BEGIN { printf "window %d: %d requests so far, hit ratio %.2f%%, %d req/s, %d lines cached\n", w, t, 100 * h / (h + m), r, e }'
done
