// Runs wrk (C, multi-threaded; has coordinated omission) with a Lua script that walks the same
// pre-generated path list. wrk opens its connections inside the measured window, so at 1,000+
// connections its numbers include the connection burst; they are reported as such.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LatencySummary } from '../histogram.js'
import type { LoadJob, LoadResult } from './load-types.js'

// Each wrk thread has its own Lua state: thread k starts k/threads of the way into the list.
const WRK_LUA = `
local paths = {}
local i = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.floor(#paths * (id or 0) / tonumber(args[2]))
end
function request()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format(nil, paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"meanUs":%f,"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
`

export function writeWrkScript (dir: string): string {
  const path = join(dir, 'paths.lua')
  writeFileSync(path, WRK_LUA)
  return path
}

interface WrkJson { requests: number, durationUs: number, connect: number, read: number, write: number, status: number, timeout: number, meanUs: number, p50Us: number, p90Us: number, p99Us: number, p999Us: number, maxUs: number }

export async function runWrk (wrkBin: string, scriptPath: string, job: LoadJob, threads: number): Promise<LoadResult> {
  const seconds = Math.max(1, Math.round(job.durationSeconds))
  const args = ['-t', String(Math.min(threads, job.connections)), '-c', String(job.connections), '-d', `${seconds}s`, '--timeout', '10s',
    '-s', scriptPath, job.url, '--', job.pathsFile, String(Math.min(threads, job.connections))]
  // bash's `times` prints the CPU time of its children: wrk's own CPU, for the generator share.
  const started = performance.now()
  const child = spawn('bash', ['-c', '"$0" "$@"; rc=$?; times >&2; exit $rc', wrkBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => { stdout += t })
  child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const wallSeconds = (performance.now() - started) / 1000
  const line = /^WRK_JSON (.*)$/m.exec(stdout)
  if (code !== 0 || line === null) throw new Error(`wrk failed (exit ${code}): ${stderr.trim()} ${stdout.trim()}`.slice(0, 2000))
  const w = JSON.parse(line[1]!) as WrkJson
  const measuredSeconds = w.durationUs / 1e6
  const latency: LatencySummary = { count: w.requests, meanMs: w.meanUs / 1000, p50Ms: w.p50Us / 1000, p90Ms: w.p90Us / 1000, p99Ms: w.p99Us / 1000, p999Ms: w.p999Us / 1000, maxMs: w.maxUs / 1000 }
  const cpu = childCpuSeconds(stderr)
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

/** The second line of bash's `times`: children's user and system time, e.g. "0m1.234s 0m0.567s". */
function childCpuSeconds (stderr: string): number {
  const lines = stderr.trim().split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()))
  const last = lines[lines.length - 1]
  if (last === undefined) return 0
  return last.trim().split(' ').reduce((sum, part) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(part)
    return sum + (m === null ? 0 : Number(m[1]) * 60 + Number(m[2]))
  }, 0)
}
