// Malformed and unusual HTTP over raw sockets: oversized targets and headers, broken request
// lines, pipelining, bodies on GET, absurd Content-Length, non-ASCII bytes, clients that leave
// mid-response or never speak. Each answer is checked, and the server must answer /healthz after.
import anyTest, { type ExecutionContext, type TestFn } from 'ava'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, type ServerProcess } from '@line-server/testkit'
import { fixtureDir, sharedFixtureDir } from './helpers/fixtures.js'
import { lineFiller } from './helpers/edge-cases.js'
import { assertSameBytes, residentBytes, serveFile } from './helpers/server.js'
import { assertErrorBody, exchange, isHealthy, responsesOf, type ParsedResponse } from './helpers/hardening-raw-http.js'

const test = anyTest as TestFn<{ server: ServerProcess, dataPath: string, removeDir: () => void }>

const MIB = 1024 * 1024
const HEADERS_TIMEOUT_MS = 1000
const REQUEST_TIMEOUT_MS = 3000
// 20 short lines, a 5 MiB line, and one after it.
const LINES: readonly Buffer[] = [
  ...Array.from({ length: 20 }, (_, i) => Buffer.from(i % 5 === 1 ? '' : `line ${i + 1}: ${'é☕'.repeat(i)}`)),
  lineFiller(5 * MIB, 99),
  Buffer.from('after the big one')
]
const BIG_LINE = 21

test.before(async (t) => {
  const { dir, remove } = sharedFixtureDir('hardening-malformed-')
  const dataPath = join(dir, 'data.txt')
  writeFileSync(dataPath, Buffer.concat(LINES.flatMap((line) => [line, Buffer.from('\n')])))
  const server = await startServer(dataPath, {
    args: ['--headers-timeout-ms', String(HEADERS_TIMEOUT_MS), '--request-timeout-ms', String(REQUEST_TIMEOUT_MS), '--index-dir', join(dir, 'index')]
  })
  t.context = { server, dataPath, removeDir: remove }
})

test.after.always(async (t) => {
  await t.context.server?.stop()
  t.context.removeDir?.()
})

function get (n: number | string, extra = ''): string {
  return `GET /lines/${n} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`
}

function assertLine (t: ExecutionContext, res: ParsedResponse | undefined, n: number, what: string): void {
  if (res === undefined) { t.fail(`${what}: no response`); return }
  t.is(res.status, 200, `${what}: status`)
  t.is(res.headers['content-length'], String(LINES[n - 1]!.length), `${what}: Content-Length`)
  assertSameBytes(t, res.body, LINES[n - 1]!, what)
}

test.afterEach.always(async (t) => {
  t.true(await isHealthy(t.context.server.port), 'the server still answers /healthz')
})

test('answers a 64 KiB request target with 414 or 431 and closes that connection', async (t) => {
  const result = await exchange(t.context.server.port, get('1'.repeat(64 * 1024)))
  const [res, ...more] = responsesOf(t, result, '64 KiB target')
  t.true(res !== undefined && [414, 431].includes(res.status), `status ${res?.status}`)
  t.is(more.length, 0)
  t.true(result.closedByServer)
})

test('answers 1,000 headers totalling over 16 KiB with 431', async (t) => {
  const headers = Array.from({ length: 1000 }, (_, i) => `X-Header-${String(i).padStart(4, '0')}: value-${i}\r\n`).join('')
  const result = await exchange(t.context.server.port, get(1, headers))
  const [res] = responsesOf(t, result, '1,000 headers')
  t.true(res !== undefined && [400, 431].includes(res.status), `status ${res?.status}`)
  t.true(result.closedByServer)
})

// Node limits request heads by bytes (16 KiB), not by count: maxHeadersCount (2000) only drops
// the excess. So 1,000 tiny headers (7 KiB) are a valid request and get the line.
test('answers 1,000 tiny headers that fit in 16 KiB like any request', async (t) => {
  const headers = Array.from({ length: 1000 }, (_, i) => `h${i}:v\r\n`).join('')
  const result = await exchange(t.context.server.port, get(3, headers + 'Connection: close\r\n'))
  const [res] = responsesOf(t, result, '1,000 tiny headers')
  t.log(`1,000 tiny headers (${headers.length} bytes): status ${res?.status}`)
  if (res?.status === 200) assertLine(t, res, 3, '1,000 tiny headers')
  else t.true(res !== undefined && [400, 431].includes(res.status), `status ${res?.status}`)
})

const BAD_REQUEST_LINES: ReadonlyArray<[string, string | Buffer]> = [
  ['no method, version or target', 'GARBAGE\r\n\r\n'],
  ['a misspelt protocol', 'GET /lines/1 HTTX/1.1\r\nHost: x\r\n\r\n'],
  ['HTTP/9.9', 'GET /lines/1 HTTP/9.9\r\nHost: x\r\n\r\n'],
  ['a token after the version', 'GET /lines/1 HTTP/1.1 extra\r\nHost: x\r\n\r\n'],
  ['a space inside the target', 'GET /lines/1 2 HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a lowercase method', 'get /lines/1 HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a DEL byte in the method', 'G\x7fT /lines/1 HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['binary bytes', Buffer.from([0, 1, 2, 3, 0xff, 13, 10, 13, 10])],
  ['a TLS ClientHello', Buffer.from('16030100a5010000a10303' + '00'.repeat(40), 'hex')],
  ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ['a header line without a colon', 'GET /lines/1 HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n'],
  ['a space before a header colon', 'GET /lines/1 HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n'],
  ['a folded header', 'GET /lines/1 HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\n'],
  ['a NUL in a header value', 'GET /lines/1 HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n'],
  ['bare LF line ends', 'GET /lines/1 HTTP/1.1\nHost: x\n\n'],
  ['HTTP/1.1 without Host', 'GET /lines/1 HTTP/1.1\r\n\r\n']
]

for (const [what, request] of BAD_REQUEST_LINES) {
  test(`answers 400 and closes the connection for a request with ${what}`, async (t) => {
    const result = await exchange(t.context.server.port, request)
    const responses = responsesOf(t, result, what)
    t.deepEqual(responses.map((r) => r.status), [400])
    t.true(result.closedByServer)
  })
}

test('answers pipelined requests on one socket in order with the right bytes', async (t) => {
  const steps: ReadonlyArray<{ request: string, check: (res: ParsedResponse, i: number) => void }> = [
    ...[1, 2, 3, 20, 5].map((n) => ({ request: get(n), check: (res: ParsedResponse, i: number) => { assertLine(t, res, n, `pipelined #${i} (line ${n})`) } })),
    { request: 'HEAD /lines/4 HTTP/1.1\r\nHost: x\r\n\r\n', check: (res) => { t.is(res.status, 200); t.is(res.headers['content-length'], String(LINES[3]!.length)); t.is(res.body.length, 0) } },
    { request: get(0), check: (res) => { t.is(assertErrorBody(t, res, 'pipelined line 0')?.code, 'ERR_INVALID_LINE_NUMBER') } },
    { request: get(LINES.length + 1), check: (res) => { t.is(assertErrorBody(t, res, 'pipelined past the end')?.code, 'ERR_LINE_OUT_OF_RANGE') } },
    { request: 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n', check: (res) => { t.is(assertErrorBody(t, res, 'pipelined 404')?.code, 'ERR_NOT_FOUND') } },
    { request: get(BIG_LINE), check: (res, i) => { assertLine(t, res, BIG_LINE, `pipelined #${i} (the 5 MiB line)`) } },
    ...[22, 7, 7, 13].map((n) => ({ request: get(n), check: (res: ParsedResponse, i: number) => { assertLine(t, res, n, `pipelined #${i} (line ${n})`) } })),
    { request: get(9, 'Connection: close\r\n'), check: (res, i) => { assertLine(t, res, 9, `pipelined #${i} (line 9, last)`) } }
  ]
  const all = steps.map((s) => s.request).join('')
  // Once in one write, once cut into 7-byte pieces that split request lines and headers.
  const pieces = Array.from({ length: Math.ceil(all.length / 7) }, (_, i) => all.slice(i * 7, i * 7 + 7))
  for (const [how, request, gapMs] of [['one write', all, 0], ['7-byte pieces', pieces, 1]] as const) {
    const result = await exchange(t.context.server.port, request, { waitMs: 20_000, gapMs })
    const responses = responsesOf(t, result, how, (i) => i === 5)
    t.is(responses.length, steps.length, `${how}: one response per request`)
    responses.forEach((res, i) => { steps[i]?.check(res, i) })
    t.true(result.closedByServer, `${how}: closed after Connection: close`)
  }
})

test('ignores a body sent with GET, even one that looks like a request', async (t) => {
  const smuggled = get(2)
  const request = get(1, `Content-Length: ${Buffer.byteLength(smuggled)}\r\n`) + smuggled + get(3, 'Connection: close\r\n')
  const responses = responsesOf(t, await exchange(t.context.server.port, request), 'Content-Length body')
  t.is(responses.length, 2, 'the body is not answered as a request')
  assertLine(t, responses[0], 1, 'GET with a body')
  assertLine(t, responses[1], 3, 'the request after it')
  const chunked = get(1, 'Transfer-Encoding: chunked\r\n') + `${Buffer.byteLength(smuggled).toString(16)}\r\n${smuggled}\r\n0\r\n\r\n` + get(3, 'Connection: close\r\n')
  const chunkedResponses = responsesOf(t, await exchange(t.context.server.port, chunked), 'chunked body')
  t.is(chunkedResponses.length, 2, 'the chunked body is not answered as a request')
  assertLine(t, chunkedResponses[0], 1, 'GET with a chunked body')
  assertLine(t, chunkedResponses[1], 3, 'the request after it')
})

const BAD_FRAMING: ReadonlyArray<[string, string]> = [
  ['a Content-Length past 2^64', 'Content-Length: 99999999999999999999999\r\n'],
  ['a negative Content-Length', 'Content-Length: -1\r\n'],
  ['a signed Content-Length', 'Content-Length: +5\r\n'],
  ['a hexadecimal Content-Length', 'Content-Length: 0x10\r\n'],
  ['two different Content-Lengths', 'Content-Length: 1\r\nContent-Length: 2\r\n'],
  ['Content-Length with chunked', 'Content-Length: 1\r\nTransfer-Encoding: chunked\r\n'],
  ['Transfer-Encoding: identity', 'Transfer-Encoding: identity\r\n']
]

for (const [what, headers] of BAD_FRAMING) {
  test(`answers 400 and closes the connection for a GET with ${what}`, async (t) => {
    const result = await exchange(t.context.server.port, get(1, headers) + '0\r\n\r\n')
    t.deepEqual(responsesOf(t, result, what).map((r) => r.status), [400])
    t.true(result.closedByServer)
  })
}

test('answers a GET announcing a 1 TB body at once, then closes it at the request timeout', async (t) => {
  const started = Date.now()
  const result = await exchange(t.context.server.port, get(2, 'Content-Length: 1000000000000\r\n'), { waitMs: REQUEST_TIMEOUT_MS + 10_000 })
  const elapsed = Date.now() - started
  const responses = responsesOf(t, result, '1 TB body')
  t.is(responses[0]?.status, 200)
  assertLine(t, responses[0], 2, 'GET with a 1 TB Content-Length')
  t.true(result.closedByServer, `still open after ${elapsed} ms`)
  t.log(`connection closed ${elapsed} ms after the request (request timeout ${REQUEST_TIMEOUT_MS} ms)`)
})

for (const [what, target] of [
  ['UTF-8 bytes', Buffer.from('/lines/é', 'utf8')],
  ['a 0xFF byte after digits', Buffer.concat([Buffer.from('/lines/1'), Buffer.from([0xff])])],
  ['a lone continuation byte', Buffer.concat([Buffer.from('/lines/'), Buffer.from([0x80])])],
  ['a control byte', Buffer.from('/lines/1\x01', 'latin1')]
] as const) {
  test(`answers 400 for ${what} in the path`, async (t) => {
    const request = Buffer.concat([Buffer.from('GET '), target, Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])
    const result = await exchange(t.context.server.port, request)
    t.deepEqual(responsesOf(t, result, what).map((r) => r.status), [400])
  })
}

for (const [what, n] of [['percent-encoded UTF-8', '%C3%A9'], ['a broken percent escape', '%E0%A4%A'], ['a lone percent sign', '%'], ['an encoded NUL', '1%00'], ['an encoded newline', '1%0A2']] as const) {
  test(`answers 400 ERR_INVALID_LINE_NUMBER for ${what} in the line number`, async (t) => {
    const [res] = responsesOf(t, await exchange(t.context.server.port, get(n, 'Connection: close\r\n')), what)
    t.is(res?.status, 400)
    if (res !== undefined) t.is(assertErrorBody(t, res, what)?.code, 'ERR_INVALID_LINE_NUMBER')
  })
}

test('closes a connection that never sends a byte with 408 after the headers timeout', async (t) => {
  const started = Date.now()
  const result = await exchange(t.context.server.port, [], { waitMs: HEADERS_TIMEOUT_MS + 10_000 })
  const elapsed = Date.now() - started
  t.true(result.closedByServer, `still open after ${elapsed} ms`)
  t.deepEqual(responsesOf(t, result, 'silent client').map((r) => r.status), [408])
  t.true(elapsed >= HEADERS_TIMEOUT_MS - 100, `closed after only ${elapsed} ms`)
  t.log(`closed ${elapsed} ms after connecting (headers timeout ${HEADERS_TIMEOUT_MS} ms)`)
})

test('survives 50 clients that leave in the middle of a 5 MiB line without growing', async (t) => {
  // Its own server, so the memory figures are this test's alone.
  const dir = fixtureDir(t, 'hardening-leave-')
  const server = await serveFile(t, t.context.dataPath, { args: ['--index-dir', join(dir, 'index')] })
  const leaveMidResponse = async (): Promise<number> => {
    const result = await exchange(server.port, get(BIG_LINE), { waitMs: 10_000, stopAfterBytes: 256 * 1024 })
    return result.data.length
  }
  const rssAfter: number[] = []
  for (let i = 1; i <= 50; i++) {
    const got = await leaveMidResponse()
    t.true(got < LINES[BIG_LINE - 1]!.length, `repeat ${i}: left after ${got} bytes`)
    if (i === 10 || i === 50) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      rssAfter.push(residentBytes(server.child.pid!))
    }
  }
  const [warm, end] = rssAfter as [number, number]
  t.log(`server RSS after 10 abandoned 5 MiB responses: ${(warm / MIB).toFixed(0)} MiB, after 50: ${(end / MIB).toFixed(0)} MiB`)
  // Leaking each abandoned line would add 200 MiB over the last 40.
  t.true(end - warm < 64 * MIB, `RSS grew by ${((end - warm) / MIB).toFixed(0)} MiB over 40 abandoned responses`)
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  t.regex(metrics, /^line_server_http_requests_in_flight [01]$/m, 'no request is left in flight')
  const whole = await exchange(server.port, get(BIG_LINE, 'Connection: close\r\n'), { waitMs: 20_000 })
  assertLine(t, responsesOf(t, whole, 'the big line afterwards')[0], BIG_LINE, 'the 5 MiB line read whole afterwards')
  t.true(await isHealthy(server.port))
})
