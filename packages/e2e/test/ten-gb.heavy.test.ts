// A 10 GB generated file end to end: index build, readiness while indexing, 2,000 random lines
// checked against expectedLine, memory, restart with the existing index, SIGTERM while indexing.
// Figures are logged (t.log), never asserted: machines are noisy.
import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createRandom, expectedLine, freePort, generateDataFile, LINE_SERVER_BIN, type DataSpec } from '@line-server/testkit'
import { fixtureDir, freeDiskBytes, requireFreeDisk } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest, type RawResponse } from './helpers/http.js'
import { assertLineResponse, residentBytes, serveFile, servingLog } from './helpers/server.js'

const FILE_BYTES = 10_000_000_000
const SPEC: DataSpec = { seed: 10 }
const CHECKED_LINES = 2000

function mib (bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`
}

/** Polls /healthz, /readyz and /lines/1 until `done()`; checks every answer given while not ready. */
async function watchWhileIndexing (t: ExecutionContext, url: string, done: () => boolean): Promise<number> {
  let notReadyAnswers = 0
  const tryRequest = async (path: string): Promise<RawResponse | undefined> => {
    try { return await rawRequest(url, path) } catch { return undefined }
  }
  while (!done()) {
    const [health, ready, line] = await Promise.all([tryRequest('/healthz'), tryRequest('/readyz'), tryRequest('/lines/1')])
    if (health !== undefined) t.is(health.status, 200, '/healthz while indexing')
    if (ready !== undefined && ready.status !== 200 && !done()) {
      notReadyAnswers++
      t.is(ready.status, 503, '/readyz while indexing')
      t.is(JSON.parse(ready.body.toString('utf8')).status, 'starting')
      if (line !== undefined && line.status !== 200) {
        t.is(line.status, 503, '/lines/1 while indexing')
        t.is(JSON.parse(line.body.toString('utf8')).code, 'ERR_NOT_READY')
        t.truthy(line.headers['retry-after'])
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return notReadyAnswers
}

test('serves a 10 GB file: random lines exact, index reused on restart, SIGTERM while indexing exits 0', async (t) => {
  t.timeout(30 * 60_000)
  const dir = fixtureDir(t, 'e2e-10gb-')
  requireFreeDisk(dir, FILE_BYTES + 2 * 2 ** 30)
  t.log(`free disk before: ${(freeDiskBytes(dir) / 1e9).toFixed(1)} GB`)
  const dataPath = join(dir, 'ten-gb.txt')

  let started = process.hrtime.bigint()
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9
  const generated = generateDataFile(dataPath, FILE_BYTES, SPEC)
  t.log(`generated ${generated.bytes} bytes, ${generated.lines} lines in ${elapsed().toFixed(1)} s`)

  // SIGTERM while the index is being built: the process must still exit 0.
  {
    const port = await freePort()
    const child = spawn(process.execPath, [LINE_SERVER_BIN, 'serve', dataPath, '--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] })
    t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    let indexing = false
    for (let i = 0; i < 200 && !indexing && child.exitCode === null; i++) {
      const ready = await rawRequest(`http://127.0.0.1:${port}`, '/readyz').catch(() => undefined)
      indexing = ready?.status === 503
      if (!indexing) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    t.true(indexing, 'the server answered /readyz 503 while indexing')
    started = process.hrtime.bigint()
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    t.is(await exited, 0, `exit after SIGTERM while indexing; stdout: ${stdout}`)
    clearTimeout(timer)
    const indexPath = `${dataPath}.lidx`
    t.log(`SIGTERM while indexing: exited after ${elapsed().toFixed(2)} s; ${existsSync(indexPath) ? 'it finished the index first' : 'no index was written'}`)
    rmSync(indexPath, { force: true })
  }

  // First start: builds the index; readiness is watched while it does.
  const port = await freePort()
  let serving = false
  started = process.hrtime.bigint()
  const starting = serveFile(t, dataPath, { args: ['--port', String(port)], readyTimeoutMs: 20 * 60_000 })
  const watching = watchWhileIndexing(t, `http://127.0.0.1:${port}`, () => serving)
  const server = await starting.finally(() => { serving = true })
  const startSeconds = elapsed()
  const notReadyAnswers = await watching
  const log = servingLog(server)
  t.like(log, { indexBuilt: true, lines: generated.lines, bytes: generated.bytes })
  const indexSeconds = Number(log.indexSeconds)
  t.log(`index built in ${indexSeconds.toFixed(2)} s (${(generated.bytes / 1e9 / indexSeconds).toFixed(2)} GB/s); serving after ${startSeconds.toFixed(2)} s; /readyz said "starting" ${notReadyAnswers} times`)
  t.log(`server RSS after start: ${mib(residentBytes(server.child.pid!))}`)

  const random = createRandom(10)
  const picks = [1, generated.lines, ...Array.from({ length: CHECKED_LINES - 2 }, () => 1 + Math.floor(random() * generated.lines))]
  const agent = createPooledAgent(64)
  t.teardown(() => { agent.destroy() })
  started = process.hrtime.bigint()
  let wrong = 0
  await mapConcurrent(picks, 64, async (n) => {
    if (!assertLineResponse(t, await rawRequest(server.url, `/lines/${n}`, { agent }), expectedLine(n, SPEC), `line ${n}`)) wrong++
  })
  t.is(wrong, 0)
  t.log(`${CHECKED_LINES} random lines checked in ${elapsed().toFixed(2)} s (${(CHECKED_LINES / elapsed()).toFixed(0)} req/s)`)
  t.is((await rawRequest(server.url, `/lines/${generated.lines + 1}`, { agent })).status, 413)
  t.log(`server RSS after ${CHECKED_LINES} lines: ${mib(residentBytes(server.child.pid!))}`)
  t.is(await server.stop(), 0)

  // Restart: the index on disk is loaded, not rebuilt.
  started = process.hrtime.bigint()
  const again = await serveFile(t, dataPath)
  const restartSeconds = elapsed()
  t.like(servingLog(again), { indexBuilt: false, lines: generated.lines })
  t.log(`restart with the existing index: serving after ${restartSeconds.toFixed(2)} s (index load ${String(servingLog(again).indexSeconds)} s); RSS ${mib(residentBytes(again.child.pid!))}`)
  for (const n of picks.slice(0, 100)) {
    assertLineResponse(t, await rawRequest(again.url, `/lines/${n}`, { agent }), expectedLine(n, SPEC), `line ${n} after restart`)
  }
})
