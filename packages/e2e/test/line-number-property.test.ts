// Property: whatever text follows /lines/ (URL-encoded), the server answers 200 with the right
// line, 400, 404 or 413 exactly as the contract says, and keeps serving afterwards.
import anyTest, { type TestFn } from 'ava'
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ServerProcess } from '@line-server/testkit'
import { sharedFixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, rawRequest } from './helpers/http.js'
import { launchServer } from './helpers/server.js'

const test = anyTest as TestFn<{ server: ServerProcess, removeDir: () => void }>
const LINES = Array.from({ length: 150 }, (_, i) => i % 7 === 3 ? '' : `line ${i + 1}: ${'é'.repeat(i % 5)}${i % 11 === 0 ? '\r' : ''}`)

test.before(async (t) => {
  const { dir, remove } = sharedFixtureDir()
  const dataPath = join(dir, 'data.txt')
  writeFileSync(dataPath, LINES.join('\n') + '\n')
  t.context = { server: await launchServer(dataPath), removeDir: remove }
})

test.after.always(async (t) => {
  await t.context.server?.stop()
  t.context.removeDir?.()
})

/** What the contract says /lines/<encodeURIComponent(text)> answers. */
function expectedStatus (text: string): number {
  if (text === '') return 404
  if (!/^[0-9]+$/.test(text)) return 400
  const n = BigInt(text)
  if (n === 0n) return 400
  return n <= BigInt(LINES.length) ? 200 : 413
}

const lineText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789+-.eExX ,_%/abc'), maxLength: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: LINES.length + 5 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String) },
  { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 3 }), fc.integer({ min: 1, max: LINES.length })).map(([zeros, n]) => '0'.repeat(zeros) + String(n)) }
)

test('answers any /lines/<text> with 200 and the right line, 400, 404 or 413 as the contract says', async (t) => {
  const { server } = t.context
  const agent = createPooledAgent(4)
  t.teardown(() => { agent.destroy() })
  const seen = new Map<number, number>()
  await fc.assert(fc.asyncProperty(lineText, async (text) => {
    const res = await rawRequest(server.url, `/lines/${encodeURIComponent(text)}`, { agent })
    seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
    const expected = expectedStatus(text)
    if (res.status !== expected) throw new Error(`/lines/${encodeURIComponent(text)}: status ${res.status}, expected ${expected}; body ${res.body.toString('utf8').slice(0, 200)}`)
    if (expected === 200) {
      const line = Buffer.from(LINES[Number(text) - 1]!, 'utf8')
      if (!res.body.equals(line)) throw new Error(`/lines/${text}: body ${JSON.stringify(res.body.toString('latin1'))}, expected ${JSON.stringify(line.toString('latin1'))}`)
    } else if (res.status !== 404 || res.body.length > 0) {
      const body = JSON.parse(res.body.toString('utf8')) as { code?: unknown }
      if (typeof body.code !== 'string' || !body.code.startsWith('ERR_')) throw new Error(`/lines/${text}: error body without a code: ${res.body.toString('utf8')}`)
    }
  }), { numRuns: 1000 })
  t.log(`statuses seen: ${[...seen].map(([status, count]) => `${status}×${count}`).join(', ')}`)
  t.is((await rawRequest(server.url, '/healthz')).status, 200)
  t.is(server.child.exitCode, null)
  t.is((await rawRequest(server.url, '/lines/1')).body.toString('utf8'), LINES[0]!)
})

test('answers raw, unencoded printable targets with 200, 400, 404 or 413 and stays up', async (t) => {
  const { server } = t.context
  const agent = createPooledAgent(4)
  t.teardown(() => { agent.destroy() })
  // Raw targets may contain '?', '#', '/', '%' and dot segments that change how the path is read.
  const rawText = fc.string({ unit: fc.constantFrom(...'0123456789/?#%.;=&-+ab~'.split('')), maxLength: 16 })
  await fc.assert(fc.asyncProperty(rawText, async (text) => {
    const res = await rawRequest(server.url, `/lines/${text}`, { agent })
    if (![200, 400, 404, 413].includes(res.status)) throw new Error(`/lines/${text}: status ${res.status}; body ${res.body.toString('utf8').slice(0, 200)}`)
  }), { numRuns: 500 })
  t.is((await rawRequest(server.url, '/healthz')).status, 200)
  t.is(server.child.exitCode, null)
})
