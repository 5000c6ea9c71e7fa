// A child process that opens thousands of sockets to the server and reports what happened to
// them as JSON lines on stdout. Run with a raised open-files limit (hardening-processes.ts), so
// the test process itself never needs thousands of fds. Scenarios: idle keep-alive connections
// held open, slow clients dribbling header bytes, and a flood of concurrent requests.
import { connect, type Socket } from 'node:net'
import { argv } from 'node:process'
import { pathToFileURL } from 'node:url'
import { expectedLine } from '@line-server/testkit'
import { parseResponses, type ParsedResponse } from './hardening-raw-http.js'

export type SocketClientScenario =
  | { readonly kind: 'idle-keep-alive', readonly port: number, readonly count: number, readonly lines: number, readonly holdMs: number, readonly observeMs: number }
  | { readonly kind: 'dribble', readonly port: number, readonly count: number, readonly maxMs: number }
  | { readonly kind: 'flood', readonly port: number, readonly connections: number, readonly requestsPerConnection: number, readonly lines: number, readonly seed: number, readonly responseTimeoutMs: number }

/** Minimum, median, 99th percentile and maximum of some durations in ms (all 0 when there are none). */
export interface Spread { readonly count: number, readonly min: number, readonly p50: number, readonly p99: number, readonly max: number }

export type SocketClientReport =
  | { readonly type: 'opened', readonly opened: number, readonly failed: number, readonly errors: Readonly<Record<string, number>>, readonly ms: number }
  | { readonly type: 'held', readonly open: number, readonly closedEarly: number, readonly closedIdleMs: Spread }
  | { readonly type: 'done', readonly open: number, readonly closed: number, readonly closeAfterMs: Spread, readonly firstLines: Readonly<Record<string, number>>, readonly ms: number }
  | { readonly type: 'flooded', readonly requests: number, readonly statuses: Readonly<Record<string, number>>, readonly codes: Readonly<Record<string, number>>, readonly missingRetryAfter: number, readonly wrongBodies: number, readonly hung: number, readonly errors: Readonly<Record<string, number>>, readonly latencyMs: Spread, readonly ms: number }

const CONNECT_CONCURRENCY = 256

function report (entry: SocketClientReport): void {
  process.stdout.write(JSON.stringify(entry) + '\n')
}

export function spread (values: readonly number[]): Spread {
  if (values.length === 0) return { count: 0, min: 0, p50: 0, p99: 0, max: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!
  return { count: sorted.length, min: sorted[0]!, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! }
}

function bump (counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

async function openSocket (port: number): Promise<Socket> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.off('error', reject); resolve(socket) })
    socket.once('error', reject)
  })
}

/** Runs `task(i)` for i in [0, count) with at most `limit` running at once. */
async function forEachLimited (count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const runner = async (): Promise<void> => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, runner))
}

/** One request on a socket: resolves with the response, or a reason it never came. */
async function roundTrip (socket: Socket, request: string, timeoutMs: number): Promise<ParsedResponse | 'timeout' | 'closed'> {
  return await new Promise((resolve) => {
    let data = Buffer.alloc(0)
    const done = (result: ParsedResponse | 'timeout' | 'closed'): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      resolve(result)
    }
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk])
      const { responses } = parseResponses(data)
      if (responses.length > 0) done(responses[0]!)
    }
    const onClose = (): void => { done('closed') }
    const timer = setTimeout(() => { done('timeout') }, timeoutMs)
    socket.on('data', onData)
    socket.once('close', onClose)
    socket.write(request)
  })
}

async function idleKeepAlive (s: Extract<SocketClientScenario, { kind: 'idle-keep-alive' }>): Promise<void> {
  const started = Date.now()
  const idle: Array<{ socket: Socket, idleSince: number, closedAt: number | undefined }> = []
  const errors: Record<string, number> = {}
  await forEachLimited(s.count, CONNECT_CONCURRENCY, async (i) => {
    let socket: Socket | undefined
    try {
      socket = await openSocket(s.port)
      socket.on('error', () => {})
      const res = await roundTrip(socket, `GET /lines/${1 + (i % s.lines)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 30_000)
      if (typeof res === 'string' || res.status !== 200) throw Object.assign(new Error('no 200'), { code: typeof res === 'string' ? res : `status ${res.status}` })
      const entry = { socket, idleSince: Date.now(), closedAt: undefined as number | undefined }
      socket.once('close', () => { entry.closedAt = Date.now() })
      idle.push(entry)
    } catch (err) {
      socket?.destroy()
      bump(errors, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
    }
  })
  report({ type: 'opened', opened: idle.length, failed: s.count - idle.length, errors, ms: Date.now() - started })
  await sleep(s.holdMs)
  const closedEarly = idle.filter((e) => e.closedAt !== undefined)
  report({ type: 'held', open: idle.length - closedEarly.length, closedEarly: closedEarly.length, closedIdleMs: spread(closedEarly.map((e) => e.closedAt! - e.idleSince)) })
  const observeUntil = Date.now() + s.observeMs
  while (Date.now() < observeUntil && idle.some((e) => e.closedAt === undefined)) await sleep(100)
  const closed = idle.filter((e) => e.closedAt !== undefined)
  report({ type: 'done', open: idle.length - closed.length, closed: closed.length, closeAfterMs: spread(closed.map((e) => e.closedAt! - e.idleSince)), firstLines: {}, ms: Date.now() - started })
  for (const e of idle) e.socket.destroy()
}

async function dribble (s: Extract<SocketClientScenario, { kind: 'dribble' }>): Promise<void> {
  const started = Date.now()
  // Headers that never end within the test: one byte a second of a long header value.
  const request = Buffer.from(`GET /lines/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Dribble: ${'d'.repeat(4096)}`, 'latin1')
  const slow: Array<{ socket: Socket, firstByteAt: number, sent: number, closedAt: number | undefined, firstLine: string | undefined }> = []
  const errors: Record<string, number> = {}
  await forEachLimited(s.count, CONNECT_CONCURRENCY, async () => {
    try {
      const socket = await openSocket(s.port)
      const entry = { socket, firstByteAt: Date.now(), sent: 1, closedAt: undefined as number | undefined, firstLine: undefined as string | undefined }
      socket.write(request.subarray(0, 1))
      socket.on('error', () => {})
      socket.on('data', (chunk: Buffer) => { entry.firstLine ??= chunk.toString('latin1').split('\r\n')[0] })
      socket.once('close', () => { entry.closedAt = Date.now() })
      slow.push(entry)
    } catch (err) {
      bump(errors, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
    }
  })
  const ticker = setInterval(() => {
    for (const e of slow) {
      if (e.closedAt !== undefined || e.socket.destroyed || e.sent >= request.length) continue
      e.socket.write(request.subarray(e.sent, e.sent + 1))
      e.sent++
    }
  }, 1000)
  report({ type: 'opened', opened: slow.length, failed: s.count - slow.length, errors, ms: Date.now() - started })
  while (Date.now() - started < s.maxMs && slow.some((e) => e.closedAt === undefined)) await sleep(100)
  clearInterval(ticker)
  const closed = slow.filter((e) => e.closedAt !== undefined)
  const firstLines: Record<string, number> = {}
  for (const e of closed) bump(firstLines, e.firstLine ?? '(closed without a response)')
  report({ type: 'done', open: slow.length - closed.length, closed: closed.length, closeAfterMs: spread(closed.map((e) => e.closedAt! - e.firstByteAt)), firstLines, ms: Date.now() - started })
  for (const e of slow) e.socket.destroy()
}

async function flood (s: Extract<SocketClientScenario, { kind: 'flood' }>): Promise<void> {
  const started = Date.now()
  const sockets: Socket[] = []
  const errors: Record<string, number> = {}
  await forEachLimited(s.connections, CONNECT_CONCURRENCY, async () => {
    try {
      const socket = await openSocket(s.port)
      socket.on('error', () => {})
      sockets.push(socket)
    } catch (err) {
      bump(errors, `connect: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
  })
  report({ type: 'opened', opened: sockets.length, failed: s.connections - sockets.length, errors, ms: Date.now() - started })
  const floodStarted = Date.now()
  const statuses: Record<string, number> = {}
  const codes: Record<string, number> = {}
  const latencies: number[] = []
  let requests = 0
  let missingRetryAfter = 0
  let wrongBodies = 0
  let hung = 0
  // Each socket asks for different lines, so the engine cannot coalesce them into one lookup.
  let nextLine = 0
  await Promise.all(sockets.map(async (socket) => {
    for (let r = 0; r < s.requestsPerConnection && !socket.destroyed; r++) {
      const n = 1 + (nextLine++ * 7919) % s.lines
      const sentAt = Date.now()
      const res = await roundTrip(socket, `GET /lines/${n} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, s.responseTimeoutMs)
      requests++
      if (res === 'timeout') { hung++; socket.destroy(); break }
      if (res === 'closed') { bump(errors, 'closed before a response'); break }
      latencies.push(Date.now() - sentAt)
      bump(statuses, String(res.status))
      if (res.status === 200) {
        if (!res.body.equals(expectedLine(n, { seed: s.seed }))) wrongBodies++
        continue
      }
      try {
        bump(codes, String((JSON.parse(res.body.toString('utf8')) as { code: unknown }).code))
      } catch {
        bump(codes, '(no JSON body)')
      }
      if (res.status === 503 && !/^\d+$/.test(res.headers['retry-after'] ?? '')) missingRetryAfter++
    }
    socket.destroy()
  }))
  report({ type: 'flooded', requests, statuses, codes, missingRetryAfter, wrongBodies, hung, errors, latencyMs: spread(latencies), ms: Date.now() - floodStarted })
}

async function main (scenario: SocketClientScenario): Promise<void> {
  if (scenario.kind === 'idle-keep-alive') await idleKeepAlive(scenario)
  else if (scenario.kind === 'dribble') await dribble(scenario)
  else await flood(scenario)
}

if (import.meta.url === pathToFileURL(argv[1] ?? '').href) {
  main(JSON.parse(argv[2] ?? '{}') as SocketClientScenario).then(
    () => { process.exit(0) },
    (err: unknown) => { process.stderr.write(`${(err as Error).stack ?? String(err)}\n`); process.exit(1) }
  )
}
