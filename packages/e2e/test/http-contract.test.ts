// The HTTP contract around the lines: 400 for anything but a positive decimal line number,
// 413 past the end, HEAD, 404, 405 + Allow, and the health, readiness and metrics endpoints.
import anyTest, { type TestFn } from 'ava'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ERROR_STATUS, isErrorCode } from '@line-server/shared'
import type { ServerProcess } from '@line-server/testkit'
import { sharedFixtureDir } from './helpers/fixtures.js'
import { rawRequest, type RawResponse } from './helpers/http.js'
import { assertLineResponse, launchServer } from './helpers/server.js'

const test = anyTest as TestFn<{ server: ServerProcess, removeDir: () => void }>

const LINES = ['first line', '', 'café ☕ 日本', 'crlf\r', 'x'.repeat(70_000), 'last line']

test.before(async (t) => {
  const { dir, remove } = sharedFixtureDir()
  const dataPath = join(dir, 'contract.txt')
  writeFileSync(dataPath, LINES.join('\n') + '\n')
  t.context = { server: await launchServer(dataPath), removeDir: remove }
})

test.after.always(async (t) => {
  await t.context.server?.stop()
  t.context.removeDir?.()
})

/** Parses an error body and checks it is `{ code, message }` with the code's registered status. */
function errorBody (res: RawResponse): { code: string, message: string } {
  const body = JSON.parse(res.body.toString('utf8')) as { code: unknown, message: unknown }
  if (!isErrorCode(body.code) || typeof body.message !== 'string' || body.message === '' || Object.keys(body).sort().join() !== 'code,message') {
    throw new Error(`not a { code, message } error body: ${res.body.toString('utf8')}`)
  }
  if (res.headers['x-content-type-options'] !== 'nosniff') throw new Error(`${res.status} without X-Content-Type-Options: nosniff`)
  if (!String(res.headers['content-type']).startsWith('application/json')) throw new Error(`${res.status} with Content-Type ${String(res.headers['content-type'])}`)
  if (ERROR_STATUS[body.code] !== res.status) throw new Error(`${body.code} came with status ${res.status}, registered as ${ERROR_STATUS[body.code]}`)
  return { code: body.code, message: body.message }
}

const NOT_LINE_NUMBERS = [
  '0', '-1', 'abc', '1.5', '1e3', '0x10', '%20', '00', '-0', '+1', '%2B1', '1%20', '%201', '1a', ' 1'.replace(' ', '%09'),
  '%D9%A1', // ١, ARABIC-INDIC DIGIT ONE: a digit, but not an ASCII decimal one
  '%EF%BC%91', // １, FULLWIDTH DIGIT ONE
  '1,000', '1_000', 'Infinity', 'NaN', '%00', '..', '.', '%2E%2E'
]

for (const text of NOT_LINE_NUMBERS) {
  test(`answers 400 with a JSON error for /lines/${text}`, async (t) => {
    const res = await rawRequest(t.context.server.url, `/lines/${text}`)
    t.is(res.status, 400)
    t.regex(String(res.headers['content-type']), /^application\/json/)
    t.is(res.headers['x-content-type-options'], 'nosniff')
    t.is(errorBody(res).code, 'ERR_INVALID_LINE_NUMBER')
  })
}

for (const n of [String(LINES.length + 1), String(LINES.length + 1000), '9007199254740993', '123456789012345678901234567890', '9'.repeat(200)]) {
  test(`answers 413 with a JSON error for line ${n.length > 30 ? `${n.slice(0, 10)}… (${n.length} digits)` : n}`, async (t) => {
    const res = await rawRequest(t.context.server.url, `/lines/${n}`)
    t.is(res.status, 413)
    t.regex(String(res.headers['content-type']), /^application\/json/)
    t.is(errorBody(res).code, 'ERR_LINE_OUT_OF_RANGE')
  })
}

test('serves the last line and nothing after it', async (t) => {
  const res = await fetch(`${t.context.server.url}/lines/${LINES.length}`)
  t.is(res.status, 200)
  t.is(await res.text(), LINES[LINES.length - 1]!)
})

test('ignores a query string after the line number', async (t) => {
  assertLineResponse(t, await rawRequest(t.context.server.url, '/lines/1?format=json'), Buffer.from(LINES[0]!), 'line 1 with a query')
})

test('answers HEAD like GET, with the same Content-Length and no body', async (t) => {
  for (const [i, line] of LINES.entries()) {
    const target = `/lines/${i + 1}`
    const get = await rawRequest(t.context.server.url, target)
    const head = await rawRequest(t.context.server.url, target, { method: 'HEAD' })
    t.is(head.status, 200, target)
    t.is(head.body.length, 0, target)
    t.is(head.headers['content-length'], String(Buffer.byteLength(line)), target)
    t.is(head.headers['content-length'], get.headers['content-length'], target)
    t.is(head.headers['content-type'], 'text/plain; charset=utf-8', target)
    t.is(head.headers['x-content-type-options'], 'nosniff', target)
  }
})

test('answers HEAD for a bad or out-of-range line with the error status and no body', async (t) => {
  const bad = await rawRequest(t.context.server.url, '/lines/abc', { method: 'HEAD' })
  t.is(bad.status, 400)
  t.is(bad.body.length, 0)
  const past = await rawRequest(t.context.server.url, `/lines/${LINES.length + 1}`, { method: 'HEAD' })
  t.is(past.status, 413)
  t.is(past.body.length, 0)
})

for (const target of ['/', '/lines', '/lines/', '/lines/1/2', '/line/1', '/nope', '/lines/1/extra/more', '/metrics/extra']) {
  test(`answers 404 with a JSON error for ${target}`, async (t) => {
    const res = await rawRequest(t.context.server.url, target)
    t.is(res.status, 404)
    t.is(errorBody(res).code, 'ERR_NOT_FOUND')
  })
}

test('answers 404, not 405, for POST to an unknown path', async (t) => {
  const res = await rawRequest(t.context.server.url, '/nope', { method: 'POST' })
  t.is(res.status, 404)
})

for (const target of ['/lines/1', '/healthz', '/readyz', '/metrics']) {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    test(`answers 405 with Allow for ${method} ${target}`, async (t) => {
      const res = await rawRequest(t.context.server.url, target, { method })
      t.is(res.status, 405)
      const allow = String(res.headers.allow).split(/,\s*/)
      t.true(allow.includes('GET'), `Allow: ${String(res.headers.allow)}`)
      t.true(allow.includes('HEAD'), `Allow: ${String(res.headers.allow)}`)
      t.false(allow.includes(method), `Allow: ${String(res.headers.allow)}`)
      t.is(errorBody(res).code, 'ERR_METHOD_NOT_ALLOWED')
    })
  }
}

test('answers /healthz with 200', async (t) => {
  const res = await fetch(`${t.context.server.url}/healthz`)
  t.is(res.status, 200)
  t.deepEqual(await res.json(), { status: 'ok' })
})

test('answers /readyz with 200 once serving', async (t) => {
  const res = await fetch(`${t.context.server.url}/readyz`)
  t.is(res.status, 200)
  t.deepEqual(await res.json(), { status: 'ready' })
})

test('exposes Prometheus metrics that count served lines without a line-number label', async (t) => {
  const { url } = t.context.server
  const before = await (await fetch(`${url}/metrics`)).text()
  const served = (text: string): number => Number(/^line_server_lines_served_total (\d+)$/m.exec(text)?.[1] ?? NaN)
  t.is((await fetch(`${url}/lines/3`)).status, 200)
  const res = await fetch(`${url}/metrics`)
  t.is(res.status, 200)
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain/)
  const text = await res.text()
  t.regex(text, /^# TYPE line_server_lines_served_total counter$/m)
  t.regex(text, /^# TYPE line_server_http_request_duration_seconds histogram$/m)
  t.regex(text, /^line_server_ready 1$/m)
  t.regex(text, new RegExp(`^line_server_index_lines ${LINES.length}$`, 'm'))
  t.true(served(text) >= served(before) + 1, `lines served went from ${served(before)} to ${served(text)}`)
  t.regex(text, /route="\/lines\/:n"/)
  t.notRegex(text, /route="\/lines\/\d+"/)
})
