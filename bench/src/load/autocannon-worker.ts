// Load worker: runs one autocannon job in its own process (so the generator's CPU is not the
// benchmark's main thread) and reports over IPC. Opens the connections in batches and warms up
// until every connection has had an answer, then measures a fixed window with its own
// histogram. Usage: fork with the job as argv[2].
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { LatencyHistogram } from '../histogram.js'
import type { LoadJob, LoadResult, WorkerMessage } from './load-types.js'

const WARMUP_CHECK_MS = 50
/**
 * Connections opened at once: within the kernel's SYN and accept queues (2048 / 4096 here), as
 * 10,000 connects at once overflow them and dropped SYNs return only after the kernel's back-off
 * (1, 3, 7, 15 s). Not smaller: a busy Node loop (autocannon's own, and Node servers') registers
 * new sockets only between turns, and a turn over thousands of busy sockets lasts 1-2 s (libuv
 * polls up to 48 × 1024 events per turn), so every batch costs about two turns.
 */
const RAMP_BATCH_CONNECTIONS = 2000
/** A batch whose connections have not all been answered by then is followed anyway. */
const RAMP_BATCH_PATIENCE_MS = 10_000

class RampedLoad {
  phase: 'warmup' | 'measure' | 'done' = 'warmup'
  readonly instances: autocannon.Instance[] = []
  readonly answered = new Set<unknown>()
  readonly warm = { histogram: new LatencyHistogram(), requests: 0 }
  readonly measured = { histogram: new LatencyHistogram(), non2xx: 0, socketErrors: 0, timeouts: 0 }
  opened = 0
  batchOpenedAt = 0
  private next = 0
  private finished = 0
  private resolveDone: () => void = () => {}
  readonly done = new Promise<void>((resolve) => { this.resolveDone = resolve })

  constructor (private readonly job: LoadJob, private readonly paths: readonly string[]) {}

  openNextBatch (): void {
    const connections = Math.min(RAMP_BATCH_CONNECTIONS, this.job.connections - this.opened)
    this.opened += connections
    this.batchOpenedAt = performance.now()
    // The callback form returns the live instance (events, stop); the promise form would not.
    const instance = autocannon({
      url: this.job.url,
      connections,
      // We stop it ourselves when the measured window ends; this is only a backstop.
      duration: this.job.maxWarmupSeconds + this.job.durationSeconds + 60,
      timeout: this.job.maxWarmupSeconds + 30,
      // One shared cursor: all connections together walk the list in order, the same for every system.
      requests: [{ setupRequest: (request) => { request.path = this.paths[this.next++ % this.paths.length]!; return request } }]
    }, () => { if (++this.finished === this.instances.length) this.resolveDone() })
    instance.on('response', (client, status, _bytes, ms) => { this.onResponse(client, status, ms) })
    instance.on('reqError', (err: unknown) => {
      if (this.phase !== 'measure') return
      if ((err as Error).message === 'request timed out') this.measured.timeouts++
      else this.measured.socketErrors++
    })
    this.instances.push(instance)
  }

  private onResponse (client: unknown, status: number, ms: number): void {
    if (this.phase === 'measure') {
      this.measured.histogram.record(ms)
      if (status < 200 || status > 299) this.measured.non2xx++
    } else if (this.phase === 'warmup') {
      this.answered.add(client)
      this.warm.histogram.record(ms)
      this.warm.requests++
      // Open the next batch now rather than at the next timer, which waits for the turn to end.
      if (this.answered.size >= this.opened && this.opened < this.job.connections) this.openNextBatch()
    }
  }

  stop (): void {
    this.phase = 'done'
    for (const instance of this.instances) instance.stop()
  }
}

async function run (job: LoadJob): Promise<LoadResult> {
  const load = new RampedLoad(job, readFileSync(job.pathsFile, 'utf8').split('\n').filter((p) => p !== ''))
  const started = performance.now()
  const window = { start: 0, end: 0, answered: 0, cpuStart: process.cpuUsage(), cpu: { user: 0, system: 0 } }
  load.openNextBatch()
  const warmupTimer = setInterval(() => {
    const now = performance.now()
    const elapsed = (now - started) / 1000
    if (load.opened < job.connections && now - load.batchOpenedAt > RAMP_BATCH_PATIENCE_MS) load.openNextBatch()
    const allAnswered = load.opened === job.connections && load.answered.size >= load.opened
    if (!((allAnswered && elapsed >= job.minWarmupSeconds) || elapsed >= job.maxWarmupSeconds)) return
    clearInterval(warmupTimer)
    // Out of patience: open the rest now, so the window runs at the connection count asked for
    // (the table stars such runs with the number of connections answered before measuring).
    while (load.opened < job.connections) load.openNextBatch()
    load.phase = 'measure'
    window.answered = load.answered.size
    window.start = performance.now()
    window.cpuStart = process.cpuUsage()
    send({ type: 'measuring' })
    setTimeout(() => {
      window.end = performance.now()
      window.cpu = process.cpuUsage(window.cpuStart)
      send({ type: 'measured' })
      load.stop()
    }, job.durationSeconds * 1000)
  }, WARMUP_CHECK_MS)
  await load.done
  clearInterval(warmupTimer)
  if (window.end === 0) window.end = performance.now()
  return summarize(load, window, started)
}

function summarize (load: RampedLoad, window: { start: number, end: number, answered: number, cpu: { user: number, system: number } }, started: number): LoadResult {
  const seconds = window.start === 0 ? 0 : (window.end - window.start) / 1000
  const latency = load.measured.histogram.summary()
  const generatorCpuSeconds = (window.cpu.user + window.cpu.system) / 1e6
  return {
    requests: latency.count,
    seconds,
    requestsPerSec: seconds > 0 ? latency.count / seconds : 0,
    latency,
    non2xx: load.measured.non2xx,
    socketErrors: load.measured.socketErrors,
    timeouts: load.measured.timeouts,
    warmup: {
      seconds: ((window.start === 0 ? window.end : window.start) - started) / 1000,
      answeredConnections: window.start === 0 ? load.answered.size : window.answered,
      requests: load.warm.requests,
      latency: load.warm.histogram.summary()
    },
    generatorCpuSeconds,
    generatorCores: seconds > 0 ? generatorCpuSeconds / seconds : 0,
    connectBurstIncluded: false
  }
}

function send (message: WorkerMessage): void {
  process.send?.(message)
}

// Exit once the last message is flushed: autocannon may still hold sockets that keep us alive.
function finish (message: WorkerMessage, code: number): void {
  if (process.send === undefined) process.exit(code)
  process.send(message, () => process.exit(code))
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob
run(job).then((result) => { finish({ type: 'result', result }, 0) }, (err: unknown) => {
  finish({ type: 'error', message: (err as Error).stack ?? String(err) }, 1)
})
