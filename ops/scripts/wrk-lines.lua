-- wrk script for the balancer throughput measurement (ops/src/lb-throughput.bench.ts):
-- cycles GET /lines/1 .. /lines/$WRK_MAX_LINE and prints one JSON summary line at the end.
local max_line = tonumber(os.getenv("WRK_MAX_LINE") or "1000")
local counter = 0

function setup(thread)
  -- Threads start at different lines so they do not all ask for the same line at once.
  thread:set("offset", counter * 7919)
  counter = counter + 1
end

function init(args)
  n = offset or 0
end

function request()
  n = n % max_line + 1
  return wrk.format("GET", "/lines/" .. n)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
