// Engine workers that crash or hang (LINE_SERVER_TEST_FAULTS): the request for the poisoned
// line fails fast with a 503 the client can retry, nothing hangs, the worker is replaced, and
// every other line keeps being served.
import test from 'ava'
import { join } from 'node:path'
import { expectedLine, generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, rawRequest, type RawResponse } from './helpers/http.js'
import { serveFile } from './helpers/server.js'
import { assertErrorBody, isHealthy } from './helpers/hardening-raw-http.js'
import { waitForLog } from './helpers/hardening-processes.js'

const SEED = 3
const BAD_LINE = 100 // 1-based; the fault plan names it 0-based
const THREADS = 2

/** Rejects when `promise` has not settled after `ms`: a hang fails the test instead of stalling it. */
async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`${what}: no answer within ${ms} ms`)) }, ms) })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

const FAULTS = [
  { kind: 'crashes', plan: `crash-line=${BAD_LINE - 1}`, args: [], code: 'ERR_ENGINE_FAILED', boundMs: 5000 },
  { kind: 'hangs', plan: `hang-line=${BAD_LINE - 1}`, args: ['--lookup-timeout-ms', '500'], code: 'ERR_TIMEOUT', boundMs: 500 + 5000 }
] as const

for (const fault of FAULTS) {
  test(`answers 503 ${fault.code} fast when the worker reading a line ${fault.kind}, then serves every other line`, async (t) => {
    const dir = fixtureDir(t, 'hardening-faults-')
    const dataPath = join(dir, 'data.txt')
    const { lines } = generateDataFile(dataPath, 256 * 1024, { seed: SEED })
    const server = await serveFile(t, dataPath, {
      args: [...fault.args, '--threads', String(THREADS), '--cache-bytes', '0', '--index-dir', join(dir, 'index')],
      env: { LINE_SERVER_TEST_FAULTS: fault.plan }
    })
    const agent = createPooledAgent(32)
    t.teardown(() => { agent.destroy() })
    const get = async (n: number): Promise<RawResponse> => await within(rawRequest(server.url, `/lines/${n}`, { agent }), fault.boundMs + 10_000, `line ${n}`)
    const assertFault = (res: RawResponse, what: string): void => {
      t.is(res.status, 503, `${what}: status`)
      t.regex(String(res.headers['retry-after']), /^\d+$/, `${what}: Retry-After`)
      t.is(assertErrorBody(t, { status: res.status, body: res.body }, what)?.code, fault.code, `${what}: code`)
    }

    // The poisoned line, three times in a row: each attempt costs one worker, never the server.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const started = Date.now()
      const res = await get(BAD_LINE)
      const ms = Date.now() - started
      assertFault(res, `attempt ${attempt}`)
      t.true(ms <= fault.boundMs, `attempt ${attempt} took ${ms} ms`)
      t.log(`attempt ${attempt}: ${res.status} ${res.body.toString('utf8')} after ${ms} ms`)
    }
    await waitForLog(server, (e) => e.msg === 'request failed' && e.code === fault.code, 5000)

    // Sequentially, the next 100 other lines all succeed.
    const others = Array.from({ length: 100 }, (_, i) => 1 + ((BAD_LINE + 1 + i * 37) % lines)).filter((n) => n !== BAD_LINE)
    let ok = 0
    for (const n of others) {
      const res = await get(n)
      if (res.status === 200 && res.body.equals(expectedLine(n, { seed: SEED }))) ok++
      else t.fail(`line ${n} after the fault: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`)
    }
    t.is(ok, others.length)

    // Together with 30 other lines at once: every request is answered in bounded time. Lines
    // that shared the failed worker task fail with it (the same 503); the rest succeed.
    const started = Date.now()
    const mixed = await Promise.all([BAD_LINE, ...others.slice(0, 30)].map(async (n) => ({ n, res: await get(n) })))
    let collateral = 0
    for (const { n, res } of mixed) {
      if (n === BAD_LINE) { assertFault(res, 'the poisoned line among others'); continue }
      if (res.status === 200) t.true(res.body.equals(expectedLine(n, { seed: SEED })), `line ${n}: bytes`)
      else { collateral++; assertFault(res, `line ${n} batched with the poisoned one`) }
    }
    t.log(`31 concurrent requests answered in ${Date.now() - started} ms; ${collateral} other lines failed with the poisoned line's batch`)

    // And once more, sequentially, after that: the pool is whole again.
    for (const n of others) {
      const res = await get(n)
      t.true(res.status === 200 && res.body.equals(expectedLine(n, { seed: SEED })), `line ${n} at the end: ${res.status}`)
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    t.regex(metrics, new RegExp(`^line_server_engine_threads ${THREADS}$`, 'm'), 'every failed worker was replaced')
    t.true(await isHealthy(server.port))
  })
}

// BUG (intermittent, so skipped rather than marked failing): lookups timing out while a
// replacement worker is still loading its module abort the whole server. A timed-out batch
// terminates its worker; Piscina loads the task module in each new worker through
// require(esm), and a worker terminated during that load hits a V8 fatal error ("FATAL ERROR:
// v8::Module::IsGraphAsync must be used on an instantiated module", from
// ModuleWrap::InstantiateSync under piscina/dist/worker.js getHandler), which kills the process
// with SIGABRT. Input: 16 clients reading lines with --lookup-timeout-ms 3 (or 10) and
// --batch-max-lines 1. Expected: every request answered (200 or 503 ERR_TIMEOUT), the server
// stays up. Actual: this test, run un-skipped, saw the process abort within its 10 s in 8 of
// 12 runs (standalone floods: 4 of 8 runs of 8 s at 3 and 10 ms, none in 5 at 20 ms; one
// survived 60 s). A fix could refuse tiny lookup timeouts, or not abort a batch whose worker
// has not finished starting (or warm each new worker before it takes lookups).
test.skip('stays up while lookups time out faster than replacement workers start', async (t) => {
  const dir = fixtureDir(t, 'hardening-fast-timeouts-')
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 256 * 1024, { seed: SEED })
  const server = await serveFile(t, dataPath, { args: ['--lookup-timeout-ms', '3', '--batch-max-lines', '1', '--cache-bytes', '0', '--index-dir', join(dir, 'index')] })
  const agent = createPooledAgent(16)
  t.teardown(() => { agent.destroy() })
  const until = Date.now() + 10_000
  const statuses = new Set<number>()
  await Promise.all(Array.from({ length: 16 }, async (_, i) => {
    for (let n = i; Date.now() < until && server.child.exitCode === null && server.child.signalCode === null; n += 16) {
      const res = await rawRequest(server.url, `/lines/${1 + (n % lines)}`, { agent }).catch(() => undefined)
      if (res !== undefined) statuses.add(res.status)
    }
  }))
  t.is(server.child.signalCode, null, `the server died: ${server.stderr().trim().split('\n')[0] ?? ''}`)
  t.is(server.child.exitCode, null)
  t.deepEqual([...statuses].filter((s) => s !== 200 && s !== 503), [])
})
