#!/usr/bin/env bash
# RSS of `line-server serve FILE [server options]`: after 1 s idle, then the peak under
# `wrk -t2 -c100 -d8` on random lines, minus the bytes its LRU cache holds (the target is
# "150 MB plus the cache budget"). Needs wrk (apt-get install wrk) and a built tree (./build.sh).
# Usage: bench/scripts/rss.sh FILE [server options...]    e.g. bench/scripts/rss.sh big.txt --threads 1
set -euo pipefail
file=${1:?usage: bench/scripts/rss.sh FILE [server options...]}; shift
command -v wrk >/dev/null || { echo "rss.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${PORT:-9477}
log=$(mktemp); lua=$(mktemp --suffix .lua)
node "$root/packages/gateway/bin/line-server.js" serve "$file" --port "$port" --host 127.0.0.1 "$@" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log" "$lua"' EXIT
ready=''
for _ in $(seq 6000); do
  if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ready" ]; then echo "rss.sh: the server did not become ready; its log:" >&2; cat "$log" >&2; exit 1; fi
metric () { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
lines=$(metric line_server_index_lines)
sleep 1
idle_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
cat >"$lua" <<LUA
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) math.randomseed(os.time() * 1000 + (id or 0)) end
request = function() return wrk.format(nil, "/lines/" .. math.random(1, $lines)) end
LUA
rps=$(wrk -t2 -c100 -d8 -s "$lua" "http://127.0.0.1:$port/lines/1" | awk '/Requests\/sec/ { print $2 }')
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
cache_bytes=$(metric line_server_cache_bytes)
echo "idle RSS $((idle_kb / 1024)) MB; peak RSS under load $((peak_kb / 1024)) MB; cache holds $((${cache_bytes%.*} / 1048576)) MB; peak minus cache $(((peak_kb * 1024 - ${cache_bytes%.*}) / 1048576)) MB; $rps req/s"
