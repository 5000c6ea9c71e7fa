import test from 'ava'
import { LineServerError } from '@line-server/shared'
import { failingSource, fakeSource, serveApp } from './helpers/serve-app.js'
import { cacheEntryBytes } from '../src/cache.js'

const LINES: ReadonlyArray<Buffer | string> = [
  'first line',
  '',
  'crlf line\r',
  'héllo wörld € 😀',
  Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0d]),
  ' leading and trailing spaces ',
  'last line without a newline'
]

async function bytesOf (response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer())
}

async function errorOf (response: Response): Promise<{ code: string, message: string }> {
  return await response.json() as { code: string, message: string }
}

test('answers 200 with the exact bytes and the promised headers for every line', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  for (let n = 1; n <= LINES.length; n++) {
    const expected = Buffer.from(LINES[n - 1]!)
    const response = await fetch(`${url}/lines/${n}`)
    t.is(response.status, 200, `line ${n}`)
    t.is(response.headers.get('content-type'), 'text/plain; charset=utf-8')
    t.is(response.headers.get('content-length'), String(expected.length))
    t.is(response.headers.get('x-content-type-options'), 'nosniff')
    t.deepEqual(await bytesOf(response), expected, `line ${n}`)
  }
})

test('answers an empty line with 200 and an empty body', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(['a', '', 'b']) })
  const response = await fetch(`${url}/lines/2`)
  t.is(response.status, 200)
  t.is(response.headers.get('content-length'), '0')
  t.is(response.headers.get('content-type'), 'text/plain; charset=utf-8')
  t.is((await bytesOf(response)).length, 0)
})

test('keeps a carriage return before the newline as part of the line', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  t.deepEqual(await bytesOf(await fetch(`${url}/lines/3`)), Buffer.from('crlf line\r'))
})

test('reads leading zeros as the same line', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  const response = await fetch(`${url}/lines/0004`)
  t.is(response.status, 200)
  t.is((await bytesOf(response)).toString('utf8'), 'héllo wörld € 😀')
})

test('answers HEAD like GET, without a body', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  const response = await fetch(`${url}/lines/4`, { method: 'HEAD' })
  t.is(response.status, 200)
  t.is(response.headers.get('content-type'), 'text/plain; charset=utf-8')
  t.is(response.headers.get('content-length'), String(Buffer.byteLength('héllo wörld € 😀')))
  t.is(response.headers.get('x-content-type-options'), 'nosniff')
  t.is((await bytesOf(response)).length, 0)
  const past = await fetch(`${url}/lines/99`, { method: 'HEAD' })
  t.is(past.status, 413)
  t.is((await bytesOf(past)).length, 0)
})

for (const text of ['0', '-1', 'abc', '1.5', '1e3', '0x10', '%20', '+1', '%2B1', '1%20', '%', '1a', '00', '%EF%BC%91']) {
  test(`answers 400 with a JSON error for /lines/${text}`, async (t) => {
    const { url } = await serveApp(t, { source: fakeSource(LINES) })
    const response = await fetch(`${url}/lines/${text}`)
    t.is(response.status, 400)
    t.regex(response.headers.get('content-type') ?? '', /^application\/json/)
    t.is(response.headers.get('x-content-type-options'), 'nosniff')
    const body = await errorOf(response)
    t.is(body.code, 'ERR_INVALID_LINE_NUMBER')
    t.is(typeof body.message, 'string')
    t.deepEqual(Object.keys(body).sort(), ['code', 'message'])
  })
}

test('answers the last line and 413 for the line after the last', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  t.is((await fetch(`${url}/lines/${LINES.length}`)).status, 200)
  const response = await fetch(`${url}/lines/${LINES.length + 1}`)
  t.is(response.status, 413)
  t.regex(response.headers.get('content-type') ?? '', /^application\/json/)
  t.is((await errorOf(response)).code, 'ERR_LINE_OUT_OF_RANGE')
})

test('answers 413 for a 30-digit line number', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  const response = await fetch(`${url}/lines/${'9'.repeat(30)}`)
  t.is(response.status, 413)
  const body = await errorOf(response)
  t.is(body.code, 'ERR_LINE_OUT_OF_RANGE')
  t.true(body.message.length < 200)
})

test('answers 404 with a JSON error for unknown paths', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  for (const path of ['/', '/lines', '/lines/', '/lines/1/2', '/line/1', '/nope', '/metrics/extra']) {
    const response = await fetch(`${url}${path}`)
    t.is(response.status, 404, path)
    t.is((await errorOf(response)).code, 'ERR_NOT_FOUND', path)
  }
})

test('answers 405 with Allow for other methods on a known path', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  for (const [path, method] of [['/lines/1', 'POST'], ['/lines/1', 'PUT'], ['/lines/1', 'DELETE'], ['/lines/1', 'PATCH'], ['/healthz', 'POST'], ['/metrics', 'DELETE']]) {
    const response = await fetch(`${url}${path}`, { method })
    t.is(response.status, 405, `${method} ${path}`)
    const allowed = (response.headers.get('allow') ?? '').split(/,\s*/).sort()
    t.deepEqual(allowed, ['GET', 'HEAD', 'OPTIONS'], `${method} ${path}`)
    t.is((await errorOf(response)).code, 'ERR_METHOD_NOT_ALLOWED')
  }
})

test('answers OPTIONS with 204 and Allow', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES) })
  const response = await fetch(`${url}/lines/1`, { method: 'OPTIONS' })
  t.is(response.status, 204)
  t.deepEqual((response.headers.get('allow') ?? '').split(/,\s*/).sort(), ['GET', 'HEAD', 'OPTIONS'])
  t.is((await bytesOf(response)).length, 0)
})

test('answers 503 ERR_NOT_READY with Retry-After before a source is set, and lines once it is', async (t) => {
  const served = await serveApp(t)
  const early = await fetch(`${served.url}/lines/1`)
  t.is(early.status, 503)
  t.is(early.headers.get('retry-after'), '1')
  t.is(early.headers.get('cache-control'), 'no-store')
  t.is((await errorOf(early)).code, 'ERR_NOT_READY')
  served.state.source = fakeSource(LINES)
  const later = await fetch(`${served.url}/lines/1`)
  t.is(later.status, 200)
  t.is(await later.text(), 'first line')
})

test('/readyz says starting, then ready, then shutting down; /healthz is always ok', async (t) => {
  const served = await serveApp(t)
  const starting = await fetch(`${served.url}/readyz`)
  t.is(starting.status, 503)
  t.deepEqual(await starting.json(), { status: 'starting' })
  t.is((await fetch(`${served.url}/healthz`)).status, 200)
  served.state.source = fakeSource(LINES)
  const ready = await fetch(`${served.url}/readyz`)
  t.is(ready.status, 200)
  t.deepEqual(await ready.json(), { status: 'ready' })
  served.state.shuttingDown = true
  const draining = await fetch(`${served.url}/readyz`)
  t.is(draining.status, 503)
  t.deepEqual(await draining.json(), { status: 'shutting-down' })
  t.is(draining.headers.get('connection'), 'close')
  const health = await fetch(`${served.url}/healthz`)
  t.is(health.status, 200)
  t.deepEqual(await health.json(), { status: 'ok' })
})

test('while draining, a line still comes whole, with Connection: close and the usual headers', async (t) => {
  const served = await serveApp(t, { source: fakeSource(LINES) })
  served.state.shuttingDown = true
  const response = await fetch(`${served.url}/lines/4`)
  t.is(response.status, 200)
  t.is(response.headers.get('connection'), 'close')
  t.is(response.headers.get('content-type'), 'text/plain; charset=utf-8')
  t.is(response.headers.get('content-length'), String(Buffer.byteLength('héllo wörld € 😀')))
  t.is(response.headers.get('x-content-type-options'), 'nosniff')
  t.is(await response.text(), 'héllo wörld € 😀')
})

test('while the file is re-indexed, lines answer 503 ERR_FILE_CHANGED and /readyz says reindexing', async (t) => {
  const served = await serveApp(t)
  served.state.unavailable = 'ERR_FILE_CHANGED'
  const line = await fetch(`${served.url}/lines/1`)
  t.is(line.status, 503)
  t.is(line.headers.get('retry-after'), '1')
  t.is((await errorOf(line)).code, 'ERR_FILE_CHANGED')
  t.deepEqual(await (await fetch(`${served.url}/readyz`)).json(), { status: 'reindexing' })
})

test('passes an overloaded engine on as 503 with Retry-After, without logging it as a fault', async (t) => {
  const served = await serveApp(t, { source: failingSource(10, new LineServerError('ERR_OVERLOADED', '16384 lookups are already queued', { retryAfterSeconds: 1 })) })
  const response = await fetch(`${served.url}/lines/1`)
  t.is(response.status, 503)
  t.is(response.headers.get('retry-after'), '1')
  t.is((await errorOf(response)).code, 'ERR_OVERLOADED')
  t.deepEqual(served.logger.lines.filter((l) => l.level === 'error'), [])
})

test('answers an unexpected failure with 500 and a generic message, and logs the detail', async (t) => {
  const served = await serveApp(t, { source: failingSource(10, new Error('EIO reading /secret/path/data.txt')) })
  const response = await fetch(`${served.url}/lines/2`)
  t.is(response.status, 500)
  const body = await errorOf(response)
  t.is(body.code, 'ERR_INTERNAL')
  t.false(body.message.includes('/secret'), 'no internals reach the client')
  const logged = served.logger.lines.filter((l) => l.level === 'error')
  t.is(logged.length, 1)
  t.regex(String(logged[0]?.error), /\/secret\/path/)
  t.is(logged[0]?.code, 'ERR_INTERNAL')
})

test('answers a read failure with 500 and the code description, not the worker message', async (t) => {
  const served = await serveApp(t, { source: failingSource(10, new LineServerError('ERR_READ_FAILED', 'EIO: /secret/data.txt', { cause: new Error('EIO') })) })
  const response = await fetch(`${served.url}/lines/2`)
  t.is(response.status, 500)
  const body = await errorOf(response)
  t.is(body.code, 'ERR_READ_FAILED')
  t.false(body.message.includes('/secret'))
  t.regex(String(served.logger.lines[0]?.error), /cause: EIO/)
})

test('answers lines outside this shard with 404 ERR_LINE_NOT_IN_SHARD', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(LINES, { first: 2, last: 4 }) })
  t.is((await fetch(`${url}/lines/3`)).status, 200)
  t.is((await fetch(`${url}/lines/5`)).status, 200)
  for (const n of [1, 2, 6, 7]) {
    const response = await fetch(`${url}/lines/${n}`)
    t.is(response.status, 404, `line ${n}`)
    t.is((await errorOf(response)).code, 'ERR_LINE_NOT_IN_SHARD')
  }
  t.is((await fetch(`${url}/lines/8`)).status, 413)
})

test('with a token, lines and metrics need the bearer header and health checks do not', async (t) => {
  const token = 'a-token-of-enough-length-123'
  const { url } = await serveApp(t, { source: fakeSource(LINES), app: { authToken: token } })
  const missing = await fetch(`${url}/lines/1`)
  t.is(missing.status, 401)
  t.is((await errorOf(missing)).code, 'ERR_UNAUTHORIZED')
  t.regex(missing.headers.get('www-authenticate') ?? '', /^Bearer/)
  t.is((await fetch(`${url}/lines/1`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401)
  const ok = await fetch(`${url}/lines/1`, { headers: { authorization: `Bearer ${token}` } })
  t.is(ok.status, 200)
  t.is(await ok.text(), 'first line')
  t.is((await fetch(`${url}/healthz`)).status, 200)
  t.is((await fetch(`${url}/readyz`)).status, 200)
  t.is((await fetch(`${url}/metrics`)).status, 401)
  const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  t.is(metrics.status, 200)
  t.regex(await metrics.text(), /^line_server_lines_served_total 1$/m)
})

test('caches a line on its first miss while the cache has room, and serves repeats from it', async (t) => {
  const source = fakeSource(LINES)
  const served = await serveApp(t, { source })
  for (let i = 0; i < 3; i++) t.is(await (await fetch(`${served.url}/lines/4`)).text(), 'héllo wörld € 😀')
  t.deepEqual(source.reads, [3])
  t.is(served.counters.cacheMisses, 1)
  t.is(served.counters.cacheHits, 2)
  t.is(served.counters.linesServed, 3)
  t.is(served.counters.bytesServed, 3 * Buffer.byteLength('héllo wörld € 😀'))
})

test('once the cache is full, a line must miss twice before it may evict another', async (t) => {
  const source = fakeSource(LINES)
  // Room for line 4 alone, or for line 1 ('first line') alone, not for both.
  const served = await serveApp(t, { source, cacheBytes: cacheEntryBytes(Buffer.byteLength('héllo wörld € 😀')) })
  await fetch(`${served.url}/lines/1`)
  t.is(served.cache.entries(), 1)
  for (let i = 0; i < 3; i++) t.is(await (await fetch(`${served.url}/lines/4`)).text(), 'héllo wörld € 😀')
  t.deepEqual(source.reads, [0, 3, 3], 'cached on its second miss, evicting line 1')
  t.is(served.counters.cacheHits, 1)
  t.is((await fetch(`${served.url}/lines/1`)).status, 200)
  t.deepEqual(source.reads, [0, 3, 3, 0])
})

test('serves an empty line from the cache too', async (t) => {
  const source = fakeSource(LINES)
  const { url } = await serveApp(t, { source })
  t.is((await fetch(`${url}/lines/2`)).status, 200)
  const cached = await fetch(`${url}/lines/2`)
  t.is(cached.status, 200)
  t.is((await bytesOf(cached)).length, 0)
  t.deepEqual(source.reads, [1])
})

test('logs one line per request when the access log is on', async (t) => {
  const served = await serveApp(t, { source: fakeSource(LINES), app: { accessLog: true } })
  await fetch(`${served.url}/lines/1`)
  await fetch(`${served.url}/lines/0`)
  const requests = served.logger.lines.filter((l) => l.msg === 'request')
  t.deepEqual(requests.map((l) => [l.method, l.path, l.status]), [['GET', '/lines/1', 200], ['GET', '/lines/0', 400]])
  t.true(requests.every((l) => typeof l.ms === 'number'))
})

test('counts a request in flight only while it runs', async (t) => {
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const slow = { ...fakeSource(LINES), readLine: async () => { await gate; return Buffer.from('slow') } }
  const served = await serveApp(t, { source: slow })
  const pending = fetch(`${served.url}/lines/1`)
  while (served.counters.requestsInFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  t.is(served.counters.requestsInFlight, 1)
  release()
  t.is(await (await pending).text(), 'slow')
  t.is(served.counters.requestsInFlight, 0)
})
