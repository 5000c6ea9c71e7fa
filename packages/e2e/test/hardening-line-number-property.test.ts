// Property: whatever string x a client puts after /lines/ (percent-encoded), the answer is 200
// with the exact line, or a JSON { code, message } error with 400, 404 or 413, exactly as a
// small model of the contract predicts; and the server is still up afterwards.
import anyTest, { type TestFn } from 'ava'
import fc from 'fast-check'
import { join } from 'node:path'
import { expectedLine, generateDataFile, startServer, type ServerProcess } from '@line-server/testkit'
import { sharedFixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, rawRequest } from './helpers/http.js'
import { assertErrorBody, isHealthy } from './helpers/hardening-raw-http.js'

const test = anyTest as TestFn<{ server: ServerProcess, lines: number, removeDir: () => void }>
const SEED = 5

test.before(async (t) => {
  const { dir, remove } = sharedFixtureDir('hardening-property-')
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 256 * 1024, { seed: SEED })
  t.context = { server: await startServer(dataPath, { args: ['--index-dir', join(dir, 'index')] }), lines, removeDir: remove }
})

test.after.always(async (t) => {
  await t.context.server?.stop()
  t.context.removeDir?.()
})

type Expected = { status: 200, line: number } | { status: 400 | 404 | 413, code: string }

/** The contract for GET /lines/<x>, x being the decoded path segment. */
function model (x: string, lineCount: number): Expected {
  if (x === '') return { status: 404, code: 'ERR_NOT_FOUND' }
  if (!/^[0-9]+$/.test(x)) return { status: 400, code: 'ERR_INVALID_LINE_NUMBER' }
  const digits = x.replace(/^0+/, '')
  if (digits === '') return { status: 400, code: 'ERR_INVALID_LINE_NUMBER' }
  if (digits.length > 15 || Number(digits) > lineCount) return { status: 413, code: 'ERR_LINE_OUT_OF_RANGE' }
  return { status: 200, line: Number(digits) }
}

function lineNumberish (lineCount: number): fc.Arbitrary<string> {
  const n = fc.integer({ min: 0, max: lineCount * 2 })
  return fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.integer({ min: 1, max: lineCount }).map(String),
    fc.tuple(fc.nat({ max: 40 }), n).map(([zeros, value]) => '0'.repeat(zeros) + String(value)),
    fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String),
    fc.string({ unit: fc.constantFrom('0', '1', '9'), minLength: 14, maxLength: 2000 }),
    fc.tuple(fc.constantFrom('+', '-', ' ', '\t', '\u00a0', '0x', '0b', '0o', '#'), n).map(([sign, value]) => sign + String(value)),
    fc.tuple(n, fc.constantFrom('.', '.0', '.5', 'e3', 'E0', 'e-1', 'e+2', ',000', '_000', ' ', 'n', '%', '/', '?', '#', '\0')).map(([value, suffix]) => String(value) + suffix),
    fc.double().map(String),
    fc.constantFrom('0', '00', '-0', '+0', '.', '..', '...', 'Infinity', '-Infinity', 'NaN', 'null', 'undefined', '٣', '１', '²', '৩', '\u0661\u0662')
  )
}

test('answers any /lines/<x> with the line or a JSON 400/404/413 as the contract says', async (t) => {
  const { server, lines } = t.context
  const agent = createPooledAgent(1)
  t.teardown(() => { agent.destroy() })
  const seen: Record<number, number> = {}
  await fc.assert(fc.asyncProperty(lineNumberish(lines), async (x) => {
    const res = await rawRequest(server.url, `/lines/${encodeURIComponent(x)}`, { agent })
    const expected = model(x, lines)
    seen[res.status] = (seen[res.status] ?? 0) + 1
    const what = `/lines/${JSON.stringify(x.length > 60 ? `${x.slice(0, 60)}…` : x)}`
    if (res.status !== expected.status) throw new Error(`${what}: status ${res.status}, expected ${expected.status}: ${res.body.toString('utf8').slice(0, 200)}`)
    if (expected.status === 200) {
      if (!res.body.equals(expectedLine(expected.line, { seed: SEED }))) throw new Error(`${what}: wrong bytes for line ${expected.line}`)
      if (res.headers['content-type'] !== 'text/plain; charset=utf-8') throw new Error(`${what}: Content-Type ${String(res.headers['content-type'])}`)
      return
    }
    const body = assertErrorBody(t, res, what)
    if (body?.code !== expected.code) throw new Error(`${what}: code ${body?.code}, expected ${expected.code}`)
  }), { numRuns: 1500 })
  t.log('statuses seen:', seen)
  t.true(await isHealthy(server.port), 'the server still answers /healthz')
})
