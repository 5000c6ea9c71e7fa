// Ordinary clients for the hardening suite: a few loops of GET /lines/<n> on a generated file,
// every body checked against expectedLine, run while something hostile happens next to them.
import { expectedLine } from '@line-server/testkit'
import { spread, type Spread } from './hardening-socket-client.js'

export interface TrafficResult {
  readonly ok: number
  readonly failed: number
  /** The first few failures, for the test log: "line 12: status 503", "line 9: fetch failed". */
  readonly failures: readonly string[]
  readonly latencyMs: Spread
}

/**
 * Runs `concurrency` loops of GET /lines/<random n in 1..lines> against `url` until `stop`
 * settles; a request counts as ok only with status 200 and the exact bytes of the line.
 */
export async function trafficUntil (url: string, spec: { seed: number, lines: number, concurrency: number }, stop: Promise<unknown>): Promise<TrafficResult> {
  let stopped = false
  void stop.finally(() => { stopped = true })
  let ok = 0
  let failed = 0
  const failures: string[] = []
  const latencies: number[] = []
  let state = spec.seed >>> 0
  const nextLine = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return 1 + (state % spec.lines)
  }
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const n = nextLine()
      const started = Date.now()
      let problem: string | undefined
      try {
        const res = await fetch(`${url}/lines/${n}`, { signal: AbortSignal.timeout(30_000) })
        const body = Buffer.from(await res.arrayBuffer())
        if (res.status !== 200) problem = `status ${res.status} ${body.toString('utf8').slice(0, 100)}`
        else if (!body.equals(expectedLine(n, { seed: spec.seed }))) problem = 'wrong bytes'
      } catch (err) {
        problem = `${(err as Error).message}${(err as Error).cause instanceof Error ? `: ${((err as Error).cause as Error).message}` : ''}`
      }
      latencies.push(Date.now() - started)
      if (problem === undefined) {
        ok++
      } else {
        failed++
        if (failures.length < 10) failures.push(`line ${n}: ${problem}`)
      }
    }
  }
  await Promise.all(Array.from({ length: spec.concurrency }, loop))
  return { ok, failed, failures, latencyMs: spread(latencies) }
}

/** A promise that resolves after `ms`, for `trafficUntil`. */
export async function after (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
