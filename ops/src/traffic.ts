// Steady HTTP traffic for the balancer tests: `concurrency` keep-alive loops, each sending one
// request after another for `durationMs` (at most `maxRequests` in all), recording every outcome.
import { Agent, request } from 'node:http'

export interface PlannedRequest {
  readonly path: string
  /** Whether the answer is the right one; default: status 200. */
  readonly check?: (status: number, body: Buffer) => boolean
}

export interface RequestOutcome {
  /** Milliseconds from the start of the run to when the request was sent. */
  readonly sentAtMs: number
  readonly path: string
  /** 0 when no HTTP answer arrived (connection refused, reset, timeout). */
  readonly status: number
  readonly ok: boolean
  readonly error?: string
}

export interface TrafficOptions {
  readonly baseUrl: string
  readonly durationMs: number
  readonly concurrency: number
  /** Hard cap on requests, so a fast machine still sends a bounded number; default 200 000. */
  readonly maxRequests?: number
  /** Per-request timeout; default 5 s. */
  readonly timeoutMs?: number
  readonly next: (i: number) => PlannedRequest
  /** Actions run at given times after the start (kill a replica under traffic, ...). */
  readonly events?: ReadonlyArray<{ readonly atMs: number, readonly run: () => void }>
}

export async function runTraffic (options: TrafficOptions): Promise<RequestOutcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency })
  const outcomes: RequestOutcome[] = []
  const started = performance.now()
  const maxRequests = options.maxRequests ?? 200_000
  let sent = 0
  const loop = async (): Promise<void> => {
    while (performance.now() - started < options.durationMs && sent < maxRequests) {
      const planned = options.next(sent++)
      const sentAtMs = performance.now() - started
      const answer = await send(agent, options.baseUrl + planned.path, options.timeoutMs ?? 5000)
      const ok = answer.status !== 0 && (planned.check ?? ((status) => status === 200))(answer.status, answer.body)
      outcomes.push({ sentAtMs, path: planned.path, status: answer.status, ok, ...(answer.error === undefined ? {} : { error: answer.error }) })
    }
  }
  const timers = (options.events ?? []).map((e) => setTimeout(e.run, e.atMs))
  try {
    await Promise.all(Array.from({ length: options.concurrency }, loop))
  } finally {
    timers.forEach(clearTimeout)
    agent.destroy()
  }
  return outcomes.sort((a, b) => a.sentAtMs - b.sentAtMs)
}

async function send (agent: Agent, url: string, timeoutMs: number): Promise<{ status: number, body: Buffer, error?: string }> {
  return await new Promise((resolve) => {
    const req = request(url, { agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }) })
      res.on('error', (err) => { resolve({ status: 0, body: Buffer.alloc(0), error: err.message }) })
    })
    req.on('timeout', () => { req.destroy(new Error('timeout')) })
    req.on('error', (err: NodeJS.ErrnoException) => { resolve({ status: 0, body: Buffer.alloc(0), error: err.code ?? err.message }) })
    req.end()
  })
}
