// Security: no request reaches a file other than the data file, error answers never carry a
// stack trace or a server path, --metrics-listen moves /metrics off the main port, and
// --auth-token guards /lines and /metrics, not the health checks. The server holds no fd on any other file.
import anyTest, { type TestFn } from 'ava'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { LINE_SERVER_BIN, REPO_ROOT, expectedLine, generateDataFile, runCommand, startServer, type ServerProcess } from '@line-server/testkit'
import { fixtureDir, sharedFixtureDir } from './helpers/fixtures.js'
import { rawRequest } from './helpers/http.js'
import { serveFile, servingLog } from './helpers/server.js'
import { assertErrorBody, assertNoInternals, exchange, isHealthy, responsesOf } from './helpers/hardening-raw-http.js'
import { waitForLog } from './helpers/hardening-processes.js'

const test = anyTest as TestFn<{ server: ServerProcess, dir: string, dataPath: string, lines: number, removeDir: () => void }>
const SEED = 31
const TOKEN = 'hardening-token-0123456789abcdef'

test.before(async (t) => {
  const { dir, remove } = sharedFixtureDir('hardening-security-')
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 256 * 1024, { seed: SEED })
  t.context = { server: await startServer(dataPath, { args: ['--index-dir', join(dir, 'index')] }), dir, dataPath, lines, removeDir: remove }
})

test.after.always(async (t) => {
  await t.context.server?.stop()
  t.context.removeDir?.()
})

/** Paths only the server knows: an error message naming one leaks internals. */
function serverPaths (t: { context: { dir: string } }): string[] {
  return [t.context.dir, REPO_ROOT.replace(/\/$/, '')]
}

const PASSWD_FIRST_LINE = (() => {
  try { return readFileSync('/etc/passwd', 'utf8').split('\n')[0] ?? 'root:x:0:0' } catch { return 'root:x:0:0' }
})()

const TRAVERSALS = [
  '/lines/../../etc/passwd',
  '/lines/..%2f..%2fetc%2fpasswd',
  '/lines/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/lines/%2e%2e%2fetc%2fpasswd',
  '/lines/%252e%252e%252fetc%252fpasswd',
  '/lines/..%5c..%5cetc%5cpasswd',
  '/lines/....//....//etc/passwd',
  '/lines/1/../../../etc/passwd',
  '/lines/%2Fetc%2Fpasswd',
  '/lines/file:%2F%2F%2Fetc%2Fpasswd',
  '/lines/~root',
  '/lines/%00../../etc/passwd',
  '/..%2f..%2fetc/passwd',
  '/../../../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '//etc/passwd',
  '/etc/passwd',
  '/proc/self/environ',
  '/lines/%2e%2e%2fproc%2fself%2fenviron',
  'http://x/etc/passwd',
  'http://x/lines/../../etc/passwd',
  'http://x/lines/%2e%2e%2fetc%2fpasswd',
  'file:///etc/passwd',
  'http://127.0.0.1/proc/self/environ'
]

test('answers path traversal and absolute-form targets with 400 or 404 and never with file contents', async (t) => {
  const { server, dataPath } = t.context
  const targets = [
    ...TRAVERSALS,
    dataPath,
    `/lines/${encodeURIComponent(dataPath)}`,
    `/lines/..${encodeURIComponent(dataPath)}`,
    join(t.context.dir, 'index')
  ]
  for (const target of targets) {
    const result = await exchange(server.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    const [res] = responsesOf(t, result, target)
    if (res === undefined) { t.fail(`${target}: no response`); continue }
    t.true([400, 404].includes(res.status), `${target}: status ${res.status}`)
    const text = res.body.toString('latin1')
    t.false(text.includes(PASSWD_FIRST_LINE) || /root:.*:0:0/.test(text), `${target}: /etc/passwd content`)
    t.false(text.includes('PATH='), `${target}: environment content`)
    // A target naming a server path is echoed in the 404 message: the client sent it.
    const echoesPath = target.includes(t.context.dir) || target.includes(encodeURIComponent(t.context.dir))
    if (res.body.length > 0) assertErrorBody(t, res, target, echoesPath ? [] : serverPaths(t))
  }
  // An absolute-form target for a real line is just that line.
  const [line] = responsesOf(t, await exchange(server.port, 'GET http://x/lines/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 'absolute-form line')
  t.is(line?.status, 200)
  t.true(line?.body.equals(expectedLine(7, { seed: SEED })))
  t.true(await isHealthy(server.port))
})

test('answers every kind of error with only { code, message }: no stack trace, no server path', async (t) => {
  const { server, lines } = t.context
  const requests: ReadonlyArray<[string, string]> = [
    ['GET', '/lines/0'], ['GET', '/lines/abc'], ['GET', `/lines/${lines + 1}`], ['GET', `/lines/${'9'.repeat(400)}`],
    ['GET', '/lines/%'], ['GET', '/lines/%E0%A4%A'], ['GET', '/lines/%C0%AF'], ['GET', '/lines/%uD800'], ['GET', '/lines/1%'],
    ['GET', '/lines/1?%'], ['GET', '/lines/1?a=%zz'], ['GET', '/lines/x#frag'], ['GET', '/nope'], ['GET', '/lines'], ['GET', '/lines/'],
    ['GET', `/${'a'.repeat(8000)}`], ['GET', '/lines/1/2'], ['GET', '/__proto__'], ['GET', '/lines/__proto__'], ['GET', '/lines/constructor'],
    ['GET', '/lines/toString'], ['GET', '/metrics/x'], ['POST', '/lines/1'], ['PUT', '/healthz'], ['DELETE', '/metrics'],
    ['PATCH', '/readyz'], ['TRACE', '/lines/1'], ['PROPFIND', '/lines/1'], ['OPTIONS', '/nope'], ['SEARCH', '/lines/1']
  ]
  for (const [method, target] of requests) {
    const what = `${method} ${target.length > 60 ? target.slice(0, 60) + '…' : target}`
    const result = await exchange(server.port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
    const [res] = responsesOf(t, result, what)
    if (res === undefined) { t.fail(`${what}: no response`); continue }
    // A malformed query string is ignored like any other: that is a line, not an error.
    if (res.status === 200 && target.startsWith('/lines/1?')) { t.true(res.body.equals(expectedLine(1, { seed: SEED })), what); continue }
    t.true(res.status >= 400 && res.status < 500, `${what}: status ${res.status}`)
    t.is(res.headers['x-powered-by'], undefined, `${what}: X-Powered-By`)
    if (res.body.length === 0) { t.true([400, 404, 405, 414, 431].includes(res.status), `${what}: empty ${res.status}`); continue }
    assertErrorBody(t, res, what, serverPaths(t))
    assertNoInternals(t, JSON.stringify(res.headers), `${what}: headers`, serverPaths(t))
  }
  t.true(await isHealthy(server.port))
})

test('holds no fd on any file but the data file once serving', async (t) => {
  const { server, dataPath, lines } = t.context
  // Some lookups first, so every worker has opened the data file.
  for (let n = 1; n <= lines; n += Math.ceil(lines / 50)) t.is((await rawRequest(server.url, `/lines/${n}`)).status, 200)
  const pid = server.child.pid!
  const targets = (p: number): Map<string, string> => {
    const fds = new Map<string, string>()
    for (const fd of readdirSync(`/proc/${p}/fd`)) {
      try { fds.set(fd, readlinkSync(`/proc/${p}/fd/${fd}`)) } catch {}
    }
    return fds
  }
  const ours = new Set(targets(process.pid).values())
  const files = [...targets(pid).entries()].filter(([, target]) => !/^(socket|pipe|anon_inode):/.test(target))
  t.log('fds on files:', Object.fromEntries(files))
  const unexpected = files.filter(([, target]) => target !== dataPath && target !== '/dev/null' && target !== '/dev/urandom' &&
    !target.startsWith(`/proc/${pid}/`) && !ours.has(target))
  t.deepEqual(unexpected, [], 'fds on files other than the data file (the index is closed after loading)')
  t.true(files.some(([, target]) => target === dataPath), 'the workers hold the data file open')
  t.false(files.some(([, target]) => target === String(servingLog(server).indexPath)), 'the index file is closed once loaded')
})

test('--metrics-listen moves /metrics to its own port and the main port answers 404 for it', async (t) => {
  const dir = fixtureDir(t, 'hardening-metrics-')
  const dataPath = join(dir, 'data.txt')
  generateDataFile(dataPath, 64 * 1024, { seed: SEED })
  const server = await serveFile(t, dataPath, { args: ['--metrics-listen', '127.0.0.1:0', '--index-dir', join(dir, 'index')] })
  const { entry } = await waitForLog(server, (e) => e.msg === 'metrics listening', 5000)
  const metricsPort = Number(entry.port)
  t.true(metricsPort > 0 && metricsPort !== server.port, `metrics port ${metricsPort}`)
  const main = await rawRequest(server.url, '/metrics')
  t.is(main.status, 404)
  t.is(assertErrorBody(t, main, 'main /metrics')?.code, 'ERR_NOT_FOUND')
  t.is((await rawRequest(server.url, '/lines/1')).status, 200)
  const metricsUrl = `http://127.0.0.1:${metricsPort}`
  const metrics = await rawRequest(metricsUrl, '/metrics')
  t.is(metrics.status, 200)
  t.regex(String(metrics.headers['content-type']), /^text\/plain/)
  t.regex(metrics.body.toString('utf8'), /^line_server_lines_served_total \d+$/m)
  t.is((await rawRequest(metricsUrl, '/healthz')).status, 200)
  const noLines = await rawRequest(metricsUrl, '/lines/1')
  t.is(noLines.status, 404, 'the metrics port serves no lines')
  t.is(assertErrorBody(t, noLines, 'metrics /lines/1')?.code, 'ERR_NOT_FOUND')
})

test('--auth-token requires the bearer token on /lines and /metrics, compares it exactly and never echoes it', async (t) => {
  const dir = fixtureDir(t, 'hardening-auth-')
  const dataPath = join(dir, 'data.txt')
  generateDataFile(dataPath, 64 * 1024, { seed: SEED })
  const server = await serveFile(t, dataPath, { args: ['--index-dir', join(dir, 'index')], env: { LINE_SERVER_AUTH_TOKEN: TOKEN } })
  const line1 = expectedLine(1, { seed: SEED })
  const cases: ReadonlyArray<[string, string | undefined, number]> = [
    ['no Authorization header', undefined, 401],
    ['an empty Authorization header', '', 401],
    ['a wrong token', 'Bearer hardening-token-0123456789abcdeX', 401],
    ['the token cut short', `Bearer ${TOKEN.slice(0, -1)}`, 401],
    ['the token with a byte more', `Bearer ${TOKEN}x`, 401],
    ['the token twice', `Bearer ${TOKEN}${TOKEN}`, 401],
    ['the token without the scheme', TOKEN, 401],
    ['the token as Basic', `Basic ${TOKEN}`, 401],
    ['the scheme only', 'Bearer', 401],
    ['the token after a comma', `Bearer x, Bearer ${TOKEN}`, 401],
    ['the right token', `Bearer ${TOKEN}`, 200],
    ['lowercase "bearer"', `bearer ${TOKEN}`, 200],
    ['uppercase "BEARER"', `BEARER ${TOKEN}`, 200],
    ['two spaces after the scheme', `Bearer  ${TOKEN}`, 200]
  ]
  for (const [what, authorization, status] of cases) {
    const res = await rawRequest(server.url, '/lines/1', { headers: authorization === undefined ? {} : { Authorization: authorization } })
    t.is(res.status, status, what)
    if (status === 200) {
      t.true(res.body.equals(line1), `${what}: bytes`)
      continue
    }
    t.regex(String(res.headers['www-authenticate']), /^Bearer\b/, `${what}: WWW-Authenticate`)
    t.is(assertErrorBody(t, res, what, [dir])?.code, 'ERR_UNAUTHORIZED', what)
    t.false(res.body.toString('utf8').includes(TOKEN.slice(0, 16)), `${what}: the body echoes the token`)
  }
  const head = await rawRequest(server.url, '/lines/1', { method: 'HEAD' })
  t.is(head.status, 401, 'HEAD needs the token too')
  for (const open of ['/healthz', '/readyz']) t.is((await rawRequest(server.url, open)).status, 200, `${open} stays open`)
  t.is((await rawRequest(server.url, '/metrics')).status, 401, '/metrics needs the token on the main port')
  t.is((await rawRequest(server.url, '/metrics', { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}` } })).status, 401)
  const metrics = await rawRequest(server.url, '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } })
  t.is(metrics.status, 200)
  t.false(metrics.body.toString('utf8').includes(TOKEN), 'the metrics do not carry the token')
  t.false(JSON.stringify(server.logs).includes(TOKEN), 'the logs do not carry the token')
})

test('refuses to start with an auth token shorter than 16 characters', async (t) => {
  const dir = fixtureDir(t, 'hardening-auth-short-')
  const dataPath = join(dir, 'data.txt')
  generateDataFile(dataPath, 4096, { seed: SEED })
  const result = await runCommand([LINE_SERVER_BIN, 'serve', dataPath, '--port', '0', '--host', '127.0.0.1'], { env: { LINE_SERVER_AUTH_TOKEN: 'short-token' } })
  t.is(result.code, 2)
  t.regex(result.stderr, /auth-token/)
  t.false(result.stderr.includes('short-token'), 'the error does not print the token')
})
