// HAProxy (Debian package, generated loopback config) in front of three real server processes:
// exact answers through it, then one replica SIGKILLed and another SIGTERMed under steady traffic.
import test from 'ava'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expectedLine, generateDataFile, startServer, type ServerProcess } from '@line-server/testkit'
import { startHaproxy, waitForServers, type HaproxyProcess } from '../src/haproxy-process.js'
import { generated, runGenerateHaproxy } from '../src/lb-generators.js'
import { ensurePackages } from '../src/system-packages.js'
import { runTraffic, type RequestOutcome } from '../src/traffic.js'

const SPEC = { seed: 21 }
const CHECK_INTERVAL_MS = 500
const FALL = 2
// Health checks need FALL failed checks, one interval apart, to mark a dead server down; the
// margin covers a check already in flight and a busy 2-core machine.
const DETECTION_WINDOW_MS = FALL * CHECK_INTERVAL_MS + CHECK_INTERVAL_MS + 1000

interface Context { dir: string, lines: number, servers: ServerProcess[], haproxy?: HaproxyProcess }
const ctx: Context = { dir: '', lines: 0, servers: [] }

test.before(async () => {
  await ensurePackages('haproxy')
  ctx.dir = mkdtempSync(join(tmpdir(), 'ops-balancer-test-'))
  const file = join(ctx.dir, 'data.txt')
  ctx.lines = generateDataFile(file, 2 * 1024 * 1024, SPEC).lines
  for (let i = 0; i < 3; i++) ctx.servers.push(await startServer(file, { args: ['--threads', '1', '--index-threads', '1'] }))
  const servers = ctx.servers.flatMap((s) => ['--server', `127.0.0.1:${s.port}`])
  ctx.haproxy = await startHaproxy((bind, stats) => generated(runGenerateHaproxy([
    '--bind', bind, '--stats', stats, '--check-interval-ms', String(CHECK_INTERVAL_MS), '--fall', String(FALL), '--debug-headers', ...servers
  ])))
  await waitForServers(ctx.haproxy, 'line_servers', (status) => status === 'UP')
})

test.after.always(async () => {
  await ctx.haproxy?.stop()
  await Promise.all(ctx.servers.map(async (s) => await s.stop()))
  if (ctx.dir !== '') rmSync(ctx.dir, { recursive: true, force: true })
})

test.serial('answers through the balancer are the exact bytes of each line', async (t) => {
  const url = ctx.haproxy!.url
  for (const n of [1, 2, ctx.lines - 1, ctx.lines, ...sampleLines(200, 1)]) {
    const response = await fetch(`${url}/lines/${n}`)
    t.is(response.status, 200, `line ${n}`)
    t.is(response.headers.get('content-type'), 'text/plain; charset=utf-8')
    t.true(Buffer.from(await response.arrayBuffer()).equals(expectedLine(n, SPEC)), `line ${n}`)
  }
})

test.serial('errors pass through the balancer unchanged', async (t) => {
  const direct = ctx.servers[0]!.url
  for (const [path, status, code] of [
    [`/lines/${ctx.lines + 1}`, 413, 'ERR_LINE_OUT_OF_RANGE'],
    ['/lines/99999999999999999999999', 413, 'ERR_LINE_OUT_OF_RANGE'],
    ['/lines/0', 400, 'ERR_INVALID_LINE_NUMBER'],
    ['/lines/abc', 400, 'ERR_INVALID_LINE_NUMBER'],
    ['/nowhere', 404, 'ERR_NOT_FOUND']
  ] as const) {
    const viaLb = await fetch(`${ctx.haproxy!.url}${path}`)
    const body = await viaLb.json() as { code: string }
    t.is(viaLb.status, status, path)
    t.is(body.code, code, path)
    t.deepEqual(body, await (await fetch(`${direct}${path}`)).json(), path)
  }
  t.is((await fetch(`${ctx.haproxy!.url}/readyz`)).status, 200)
})

test.serial('haproxy exports the metric the load-balancer alert rule uses', async (t) => {
  const metrics = await (await fetch(`${ctx.haproxy!.statsUrl}/metrics`)).text()
  t.regex(metrics, /^haproxy_backend_active_servers\{proxy="line_servers"\} 3$/m)
})

test.serial('requests are spread over every replica', async (t) => {
  const outcomes: string[] = []
  await Promise.all(Array.from({ length: 6 }, async (_, worker) => {
    for (let i = 0; i < 30; i++) {
      const response = await fetch(`${ctx.haproxy!.url}/lines/${worker * 30 + i + 1}`)
      await response.arrayBuffer()
      outcomes.push(response.headers.get('x-line-server-server') ?? 'none')
    }
  }))
  const counts = Object.fromEntries(['s1', 's2', 's3'].map((s) => [s, outcomes.filter((o) => o === s).length]))
  t.log('requests per replica:', counts)
  for (const server of ['s1', 's2', 's3']) t.true(counts[server]! > 0, `${server} got no request`)
})

test.serial('a replica killed under traffic costs no request once health checks have noticed', async (t) => {
  const killAtMs = 2000
  const outcomes = await steadyTraffic(6000, [{ atMs: killAtMs, run: () => ctx.servers[2]!.child.kill('SIGKILL') }])
  const report = summarize(outcomes, killAtMs)
  t.log(`SIGKILL of s3 at ${killAtMs} ms: ${report}`)
  const afterWindow = outcomes.filter((o) => o.sentAtMs > killAtMs + DETECTION_WINDOW_MS)
  t.true(afterWindow.length > 100, 'traffic went on after the detection window')
  t.deepEqual(afterWindow.filter((o) => !o.ok).map(describe), [])
  t.true(outcomes.filter((o) => !o.ok).length <= 10, `too many failures: ${report}`)
  const status = await waitForServers(ctx.haproxy!, 'line_servers', (s, server) => server === 's3' ? s.startsWith('DOWN') : s === 'UP', 5000)
  t.log('haproxy server states after the kill:', Object.fromEntries(status))
  const backend = (await ctx.haproxy!.stats()).find((r) => r.pxname === 'line_servers' && r.svname === 'BACKEND')
  t.log(`haproxy retried ${backend?.wretr} requests and redispatched ${backend?.wredis} to another server`)
})

test.serial('a replica draining on SIGTERM leaves the pool without failed requests', async (t) => {
  const stopAtMs = 1500
  let exited: Promise<number | null> | undefined
  const outcomes = await steadyTraffic(5000, [{ atMs: stopAtMs, run: () => { exited = ctx.servers[1]!.stop() } }])
  t.log(`SIGTERM of s2 at ${stopAtMs} ms: ${summarize(outcomes, stopAtMs)}`)
  t.deepEqual(outcomes.filter((o) => !o.ok).map(describe), [])
  t.is(await exited, 0, 'the drained server exits 0')
  const last = outcomes.filter((o) => o.sentAtMs > stopAtMs + DETECTION_WINDOW_MS)
  t.true(last.length > 100)
})

async function steadyTraffic (durationMs: number, events: Array<{ atMs: number, run: () => void }>): Promise<RequestOutcome[]> {
  return await runTraffic({
    baseUrl: ctx.haproxy!.url,
    durationMs,
    concurrency: 8,
    maxRequests: 60_000,
    events,
    next: (i) => {
      const n = 1 + ((i * 7919) % ctx.lines)
      return { path: `/lines/${n}`, check: (status, body) => status === 200 && body.equals(expectedLine(n, SPEC)) }
    }
  })
}

function summarize (outcomes: readonly RequestOutcome[], eventAtMs: number): string {
  const failed = outcomes.filter((o) => !o.ok)
  const inWindow = failed.filter((o) => o.sentAtMs >= eventAtMs - 100 && o.sentAtMs <= eventAtMs + DETECTION_WINDOW_MS)
  const kinds = new Map<string, number>()
  for (const o of failed) kinds.set(o.error ?? `status ${o.status}`, (kinds.get(o.error ?? `status ${o.status}`) ?? 0) + 1)
  return `${outcomes.length} requests, ${failed.length} failed (${inWindow.length} within ${DETECTION_WINDOW_MS} ms of the event)` +
    (kinds.size > 0 ? `; ${[...kinds].map(([k, v]) => `${k}: ${v}`).join(', ')}` : '')
}

function describe (o: RequestOutcome): string {
  return `${o.sentAtMs.toFixed(0)} ms ${o.path}: ${o.error ?? `status ${o.status}`}`
}

/** `count` line numbers spread over the file, reproducible (a multiplicative hash of i). */
function sampleLines (count: number, salt: number): number[] {
  return Array.from({ length: count }, (_, i) => 1 + Number((BigInt(i + salt) * 2654435761n) % BigInt(ctx.lines)))
}
