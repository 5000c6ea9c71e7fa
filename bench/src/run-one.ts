// One measured run: one load generator against one system for one pattern and connection
// count, with the server's CPU and RSS sampled over the generator's measured window.
import type { LoadJob, LoadResult } from './load/load-types.js'
import { runAutocannon } from './load/autocannon.js'
import { runWrk } from './load/wrk.js'
import type { Pattern, ToolName } from './options.js'
import { latencyRecord, type RunRecord } from './results.js'
import type { RunningSystem } from './systems/running-system.js'
import { treeCpuSeconds, treeRssBytes } from './proc-stats.js'
import { hitRatio, readCacheCounts, type CacheCounts } from './cache-stats.js'

export interface RunSpec {
  readonly tool: ToolName
  readonly pattern: Pattern
  readonly system: RunningSystem
  readonly job: LoadJob
  /** wrk binary and Lua script, when tool is wrk. */
  readonly wrk?: { readonly bin: string, readonly script: string, readonly threads: number }
}

interface ServerSample { cores: number, rssBytes: number }

/** The numbers of a run that failed: zeros, so tables and plots can skip it by `failure`. */
const NO_MEASURES = {
  requestsPerSec: 0,
  requests: 0,
  seconds: 0,
  latencyMs: { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
  errors: { non2xx: 0, socket: 0, timeouts: 0, total: 0 },
  rssBytes: 0,
  serverCores: 0,
  generatorCores: 0,
  warmup: { seconds: 0, answeredConnections: 0, requests: 0, p99Ms: 0 },
  connectBurstIncluded: false,
  ratioToNginx: null,
  ratioToNode: null,
  ratioBaseline: null,
  cacheHitRatio: null,
  cacheHitRatioMeasured: null
} as const

/** Samples CPU from `start()` to `end()` and RSS at `end()` (or `rss()`), over the system's process tree. */
function serverSampler (pid: number): { start: () => void, end: () => void, cpu: () => void, rss: () => void, sample: ServerSample } {
  let cpu0 = 0
  let t0 = 0
  const sample: ServerSample = { cores: 0, rssBytes: 0 }
  const cpu = (): void => {
    const seconds = (performance.now() - t0) / 1000
    sample.cores = seconds > 0 ? (treeCpuSeconds(pid) - cpu0) / seconds : 0
  }
  const rss = (): void => { sample.rssBytes = treeRssBytes(pid) }
  return {
    sample,
    cpu,
    rss,
    start: () => { cpu0 = treeCpuSeconds(pid); t0 = performance.now() },
    end: () => { cpu(); rss() }
  }
}

/** Starts reading the cache counters when the measured window begins (our server only). */
interface WindowCacheReader {
  readonly atMeasuring: () => void
  /** The counters read at the start of the window; undefined when never started or unreadable. */
  readonly counts: () => Promise<CacheCounts | undefined>
}

function windowCacheReader (spec: RunSpec, ours: boolean): WindowCacheReader {
  let reading: Promise<CacheCounts | undefined> | undefined
  return {
    // The hook is synchronous: start the read now, await it once the run is over.
    atMeasuring: () => { if (ours) reading = readCacheCounts(spec.system.url) },
    counts: async () => await reading
  }
}

async function drive (spec: RunSpec, sampler: ReturnType<typeof serverSampler>, cache: WindowCacheReader): Promise<LoadResult> {
  if (spec.tool === 'autocannon') {
    const onMeasuring = (): void => { sampler.start(); cache.atMeasuring() }
    return await runAutocannon(spec.job, { onMeasuring, onMeasured: sampler.end })
  }
  if (spec.wrk === undefined) throw new Error('wrk is not available')
  sampler.start()
  // wrk reports only when it ends and its connections close: take the RSS just before that,
  // the CPU over its whole run.
  const timer = setTimeout(sampler.rss, spec.job.durationSeconds * 900)
  try {
    return await runWrk(spec.wrk.bin, spec.wrk.script, spec.job, spec.wrk.threads)
  } finally {
    clearTimeout(timer)
    sampler.cpu()
  }
}

export async function runOne (spec: RunSpec): Promise<RunRecord> {
  const base = { tool: spec.tool, pattern: spec.pattern, connections: spec.job.connections, system: spec.system.name, label: spec.system.label, processes: spec.system.processes }
  const sampler = serverSampler(spec.system.pid)
  const ours = spec.system.name.startsWith('ours')
  try {
    // Counted over warm-up and measurement (the cache fills during the warm-up too), and over
    // the measured window alone; wrk has no warm-up, so its window is the whole run.
    const cacheBefore = ours ? await readCacheCounts(spec.system.url) : undefined
    const cacheWindow = windowCacheReader(spec, ours)
    const r = await drive(spec, sampler, cacheWindow)
    const cacheAfter = ours ? await readCacheCounts(spec.system.url) : undefined
    const cacheHitRatio = hitRatio(cacheBefore, cacheAfter)
    return {
      cacheHitRatio,
      cacheHitRatioMeasured: spec.tool === 'wrk' ? cacheHitRatio : hitRatio(await cacheWindow.counts(), cacheAfter),
      ...base,
      requestsPerSec: r.requestsPerSec,
      requests: r.requests,
      seconds: r.seconds,
      latencyMs: latencyRecord(r.latency),
      errors: { non2xx: r.non2xx, socket: r.socketErrors, timeouts: r.timeouts, total: r.non2xx + r.socketErrors + r.timeouts },
      rssBytes: sampler.sample.rssBytes,
      serverCores: sampler.sample.cores,
      generatorCores: r.generatorCores,
      warmup: { seconds: r.warmup.seconds, answeredConnections: r.warmup.answeredConnections, requests: r.warmup.requests, p99Ms: r.warmup.latency.p99Ms },
      connectBurstIncluded: r.connectBurstIncluded,
      ratioToNginx: null,
      ratioToNode: null,
      ratioBaseline: null
    }
  } catch (err) {
    return { ...base, ...NO_MEASURES, failure: (err as Error).message.slice(0, 500) }
  }
}

/** Fills the ratios: req/s over nginx and over node:http with the same process count, per cell. */
export function withRatios (runs: readonly RunRecord[]): RunRecord[] {
  return runs.map((run) => {
    const same = runs.filter((r) => r.tool === run.tool && r.pattern === run.pattern && r.connections === run.connections && r.failure === undefined)
    const nginx = same.find((r) => r.system === 'nginx')
    const baselineName = run.processes > 1 ? 'node-cluster' : 'node'
    const baseline = same.find((r) => r.system === baselineName)
    const ratio = (other: RunRecord | undefined): number | null =>
      run.failure !== undefined || other === undefined || other.requestsPerSec === 0 ? null : run.requestsPerSec / other.requestsPerSec
    return { ...run, ratioToNginx: ratio(nginx), ratioToNode: ratio(baseline), ratioBaseline: baseline === undefined ? null : baselineName }
  })
}
