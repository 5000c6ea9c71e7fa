// Runs wrk (C, multi-threaded; has coordinated omission) with a Lua script that walks the same
// pre-generated path list. wrk opens its connections inside the measured window, so at 1,000+
// connections its numbers include the connection burst; they are reported as such.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LatencySummary } from '../histogram.js'
import type { LoadJob, LoadResult } from './load-types.js'
import { runWrkScript, WRK_SUMMARY_LUA, WRK_THREAD_ID_LUA } from './wrk-process.js'

// Each wrk thread has its own Lua state: thread k starts k/threads of the way into the list.
const WRK_LUA = `
local paths = {}
local i = 0
${WRK_THREAD_ID_LUA}
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.floor(#paths * (id or 0) / tonumber(args[2]))
end
function request()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format(nil, paths[i])
end
${WRK_SUMMARY_LUA}`

export function writeWrkScript (dir: string): string {
  const path = join(dir, 'paths.lua')
  writeFileSync(path, WRK_LUA)
  return path
}

export async function runWrk (wrkBin: string, scriptPath: string, job: LoadJob, threads: number): Promise<LoadResult> {
  const scriptArgs = [job.pathsFile, String(Math.min(threads, job.connections))]
  const { summary: w, cpuSeconds: cpu, wallSeconds } = await runWrkScript(wrkBin, scriptPath, { url: job.url, connections: job.connections, durationSeconds: job.durationSeconds, threads, scriptArgs })
  const measuredSeconds = w.durationUs / 1e6
  const latency: LatencySummary = { count: w.requests, meanMs: w.meanUs / 1000, p50Ms: w.p50Us / 1000, p90Ms: w.p90Us / 1000, p99Ms: w.p99Us / 1000, p999Ms: w.p999Us / 1000, maxMs: w.maxUs / 1000 }
  return {
    requests: w.requests,
    seconds: measuredSeconds,
    requestsPerSec: w.requests / measuredSeconds,
    latency,
    non2xx: w.status,
    socketErrors: w.connect + w.read + w.write,
    timeouts: w.timeout,
    warmup: { seconds: 0, answeredConnections: 0, requests: 0, latency: { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 } },
    generatorCpuSeconds: cpu,
    // Over wrk's whole life (start-up, reading the path list, connecting, the window): its CPU
    // cannot be split by phase from outside, and the window is most of it at the default length.
    generatorCores: cpu / wallSeconds,
    connectBurstIncluded: job.connections >= 1000
  }
}
