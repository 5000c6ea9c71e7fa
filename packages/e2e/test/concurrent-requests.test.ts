// Thousands of requests in flight at once, each answered with its own line: nothing is mixed
// up between batched, coalesced or cached lookups.
import anyTest, { type TestFn } from 'ava'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRandom, expectedLine, generateDataFile, type DataSpec, type ServerProcess } from '@line-server/testkit'
import { fixtureDir, sharedFixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, rawRequest } from './helpers/http.js'
import { launchServer, serveFile } from './helpers/server.js'
import { lineFiller } from './helpers/edge-cases.js'

const test = anyTest.serial as TestFn<{ server: ServerProcess, lines: number, removeDir: () => void }>
const SPEC: DataSpec = { seed: 77 }
const REQUESTS = 2000

test.before(async (t) => {
  const { dir, remove } = sharedFixtureDir()
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 10_000_000, SPEC)
  t.context = { server: await launchServer(dataPath), lines, removeDir: remove }
})

test.after.always(async (t) => {
  await t.context.server?.stop()
  t.context.removeDir?.()
})

/** Line numbers -> how many answers were wrong, with the first few described. */
async function fireAll (url: string, numbers: readonly number[], send: (n: number) => Promise<{ status: number, body: Buffer }>): Promise<string[]> {
  const answers = await Promise.all(numbers.map(async (n) => ({ n, res: await send(n) })))
  return answers
    .filter(({ n, res }) => res.status !== 200 || !res.body.equals(expectedLine(n, SPEC)))
    .map(({ n, res }) => `line ${n}: status ${res.status}, ${res.body.length} bytes`)
}

test(`answers ${REQUESTS} concurrent requests for distinct lines over 400 sockets, each with its own line`, async (t) => {
  const { server, lines } = t.context
  const random = createRandom(1)
  const numbers = Array.from({ length: REQUESTS }, () => 1 + Math.floor(random() * lines))
  const agent = createPooledAgent(400)
  t.teardown(() => { agent.destroy() })
  const wrong = await fireAll(server.url, numbers, async (n) => await rawRequest(server.url, `/lines/${n}`, { agent }))
  t.deepEqual(wrong, [])
})

test(`answers ${REQUESTS} concurrent requests for the same 20 lines (coalesced and cached lookups) correctly`, async (t) => {
  const { server, lines } = t.context
  const hot = Array.from({ length: 20 }, (_, i) => 1 + Math.floor((i * lines) / 20))
  const numbers = Array.from({ length: REQUESTS }, (_, i) => hot[i % hot.length]!)
  const agent = createPooledAgent(400)
  t.teardown(() => { agent.destroy() })
  const wrong = await fireAll(server.url, numbers, async (n) => await rawRequest(server.url, `/lines/${n}`, { agent }))
  t.deepEqual(wrong, [])
})

test(`answers ${REQUESTS} concurrent fetches, each on its own connection`, async (t) => {
  const { server, lines } = t.context
  const random = createRandom(2)
  const numbers = Array.from({ length: REQUESTS }, () => 1 + Math.floor(random() * lines))
  const wrong = await fireAll(server.url, numbers, async (n) => {
    const res = await fetch(`${server.url}/lines/${n}`, { headers: { connection: 'close' } })
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) }
  })
  t.deepEqual(wrong, [])
})

test('answers a concurrent mix of good, bad and out-of-range requests each with its own status', async (t) => {
  const { server, lines } = t.context
  const agent = createPooledAgent(300)
  t.teardown(() => { agent.destroy() })
  const targets = Array.from({ length: REQUESTS }, (_, i) => {
    switch (i % 4) {
      case 0: return { path: `/lines/${1 + ((i * 31) % lines)}`, status: 200, line: 1 + ((i * 31) % lines) }
      case 1: return { path: `/lines/${lines + 1 + i}`, status: 413 }
      case 2: return { path: `/lines/x${i}`, status: 400 }
      default: return { path: `/lines/${1 + ((i * 17) % lines)}`, status: 200, line: 1 + ((i * 17) % lines), method: 'HEAD' }
    }
  })
  const answers = await Promise.all(targets.map(async (target) => ({ target, res: await rawRequest(server.url, target.path, { agent, method: target.method ?? 'GET' }) })))
  const wrong = answers.filter(({ target, res }) => {
    if (res.status !== target.status) return true
    if (target.line === undefined) return false
    const expected = expectedLine(target.line, SPEC)
    return target.method === 'HEAD' ? res.headers['content-length'] !== String(expected.length) || res.body.length !== 0 : !res.body.equals(expected)
  }).map(({ target, res }) => `${target.method ?? 'GET'} ${target.path}: ${res.status}`)
  t.deepEqual(wrong, [])
})

test('answers 1,200 concurrent requests for 400 long lines (up to 300 KB) each with its own bytes, batched in one worker', async (t) => {
  const dir = fixtureDir(t)
  const random = createRandom(3)
  const lines = Array.from({ length: 400 }, (_, i) => lineFiller(Math.floor(random() * (i % 3 === 0 ? 300_000 : 40_000)), i))
  const dataPath = join(dir, 'long-lines.txt')
  writeFileSync(dataPath, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])))
  const server = await serveFile(t, dataPath, { args: ['--cache-bytes', '0', '--threads', '1', '--batch-max-lines', '65536'] })
  const agent = createPooledAgent(400)
  t.teardown(() => { agent.destroy() })
  const order = [...lines.keys(), ...lines.keys(), ...lines.keys()]
  const answers = await Promise.all(order.map(async (i) => ({ i, res: await rawRequest(server.url, `/lines/${i + 1}`, { agent }) })))
  const wrong = answers.filter(({ i, res }) => res.status !== 200 || !res.body.equals(lines[i]!)).map(({ i, res }) => `line ${i + 1}: ${res.status}, ${res.body.length} bytes`)
  t.deepEqual(wrong, [])
})

test('a cache far smaller than its traffic churns under 3,000 concurrent requests and still answers every line exactly', async (t) => {
  const dir = fixtureDir(t)
  const random = createRandom(4)
  // Lengths around the cache's 64-byte blocks and up to 6 KB, so lines take one block or
  // scattered chains of them as evictions free blocks in every order.
  const lines = Array.from({ length: 600 }, (_, i) => lineFiller(i % 10 === 0 ? [0, 63, 64, 65, 128][(i / 10) % 5]! : Math.floor(random() * 6000), i))
  const dataPath = join(dir, 'churn.txt')
  writeFileSync(dataPath, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])))
  const server = await serveFile(t, dataPath, { args: ['--cache-bytes', '256KiB', '--threads', '1'] })
  const agent = createPooledAgent(300)
  t.teardown(() => { agent.destroy() })
  const order = Array.from({ length: 3000 }, () => Math.floor(random() ** 2 * lines.length))
  const answers = await Promise.all(order.map(async (i) => ({ i, res: await rawRequest(server.url, `/lines/${i + 1}`, { agent }) })))
  const wrong = answers.filter(({ i, res }) => res.status !== 200 || !res.body.equals(lines[i]!)).map(({ i, res }) => `line ${i + 1}: ${res.status}, ${res.body.length} bytes`)
  t.deepEqual(wrong, [])
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  const hits = Number(/^line_server_cache_hits_total (\d+)$/m.exec(metrics)?.[1])
  const charged = Number(/^line_server_cache_bytes (\d+)$/m.exec(metrics)?.[1])
  t.true(hits > 100, `${hits} cache hits`)
  t.true(charged > 0 && charged <= 256 * 1024, `${charged} bytes charged`)
})
