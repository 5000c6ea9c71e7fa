// Engine workers that crash or hang (LINE_SERVER_TEST_FAULTS): the request for the poisoned
// line fails fast with a 503 the client can retry, nothing hangs, the worker is replaced, and
// every other line keeps being served.
import test from 'ava'
import { join } from 'node:path'
import { LINE_SERVER_BIN, expectedLine, generateDataFile, runCommand } from '@line-server/testkit'
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
  { kind: 'hangs', plan: `hang-line=${BAD_LINE - 1}`, args: ['--lookup-timeout-ms', '1000'], code: 'ERR_TIMEOUT', boundMs: 1000 + 5000 }
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

// A timed-out batch terminates its worker. Terminating a worker while it still loads its task
// module (piscina loads it through require(esm)) is a V8 fatal error that aborts the process
// ("v8::Module::IsGraphAsync must be used on an instantiated module"): with --lookup-timeout-ms
// 3 or 10 it killed the server in 8 of 12 ten-second floods. A replacement worker starts in tens
// of milliseconds, so the server refuses timeouts below one second at start-up instead.
test('refuses a lookup timeout too short for a replacement worker to start', async (t) => {
  const dir = fixtureDir(t, 'hardening-fast-timeouts-')
  const dataPath = join(dir, 'data.txt')
  generateDataFile(dataPath, 64 * 1024, { seed: SEED })
  const result = await runCommand([LINE_SERVER_BIN, 'serve', dataPath, '--port', '0', '--lookup-timeout-ms', '3'])
  t.is(result.code, 2)
  t.regex(result.stderr, /--lookup-timeout-ms.*at least 1000/)
})
