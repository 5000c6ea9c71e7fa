// Load worker: runs one autocannon job in its own process (so the generator's CPU is not the
// benchmark's main thread) and reports over IPC. Warms up until every connection has had an
// answer, then measures a fixed window with its own histogram. Usage: fork with the job as argv[2].
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { LatencyHistogram } from '../histogram.js'
import type { LoadJob, LoadResult, WorkerMessage } from './load-types.js'

const WARMUP_CHECK_MS = 50

function send (message: WorkerMessage): void {
  process.send?.(message)
}

async function run (job: LoadJob): Promise<LoadResult> {
  const paths = readFileSync(job.pathsFile, 'utf8').split('\n').filter((p) => p !== '')
  let next = 0
  let phase: 'warmup' | 'measure' | 'done' = 'warmup'
  const answered = new Set<unknown>()
  const warm = { histogram: new LatencyHistogram(), requests: 0 }
  const measured = { histogram: new LatencyHistogram(), non2xx: 0, socketErrors: 0, timeouts: 0 }
  const started = performance.now()
  let measureStart = 0
  let measureEnd = 0
  let cpuStart = process.cpuUsage()
  let cpuUsed = { user: 0, system: 0 }

  let resolveDone: () => void = () => {}
  const done = new Promise<void>((resolve) => { resolveDone = resolve })
  // The callback form returns the live instance (events, stop); the promise form would not.
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    // We stop it ourselves when the measured window ends; this is only a backstop.
    duration: job.maxWarmupSeconds + job.durationSeconds + 60,
    timeout: job.maxWarmupSeconds + 30,
    // One shared cursor: all connections together walk the list in order, the same for every system.
    requests: [{ setupRequest: (request) => { request.path = paths[next++ % paths.length]!; return request } }]
  }, () => { resolveDone() })
  instance.on('response', (client, status, _bytes, ms) => {
    if (phase === 'measure') {
      measured.histogram.record(ms)
      if (status < 200 || status > 299) measured.non2xx++
    } else if (phase === 'warmup') {
      answered.add(client)
      warm.histogram.record(ms)
      warm.requests++
    }
  })
  instance.on('reqError', (err: unknown) => {
    if (phase !== 'measure') return
    if ((err as Error).message === 'request timed out') measured.timeouts++
    else measured.socketErrors++
  })

  const warmupTimer = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000
    const allAnswered = answered.size >= job.connections
    if ((allAnswered && elapsed >= job.minWarmupSeconds) || elapsed >= job.maxWarmupSeconds) {
      clearInterval(warmupTimer)
      phase = 'measure'
      measureStart = performance.now()
      cpuStart = process.cpuUsage()
      send({ type: 'measuring' })
      setTimeout(() => {
        phase = 'done'
        measureEnd = performance.now()
        cpuUsed = process.cpuUsage(cpuStart)
        send({ type: 'measured' })
        instance.stop()
      }, job.durationSeconds * 1000)
    }
  }, WARMUP_CHECK_MS)
  await done
  clearInterval(warmupTimer)
  if (measureEnd === 0) measureEnd = performance.now()
  const seconds = measureStart === 0 ? 0 : (measureEnd - measureStart) / 1000
  const latency = measured.histogram.summary()
  const generatorCpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6
  return {
    requests: latency.count,
    seconds,
    requestsPerSec: seconds > 0 ? latency.count / seconds : 0,
    latency,
    non2xx: measured.non2xx,
    socketErrors: measured.socketErrors,
    timeouts: measured.timeouts,
    warmup: {
      seconds: ((measureStart === 0 ? measureEnd : measureStart) - started) / 1000,
      answeredConnections: answered.size,
      requests: warm.requests,
      latency: warm.histogram.summary()
    },
    generatorCpuSeconds,
    generatorCores: seconds > 0 ? generatorCpuSeconds / seconds : 0,
    connectBurstIncluded: false
  }
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
