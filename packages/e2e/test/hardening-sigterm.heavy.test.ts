// SIGTERM under a steady load of 50 keep-alive clients: every response that started completes
// with the right bytes, new requests after the signal may be refused or reset, and the process
// drains and exits 0 within its shutdown timeout. (A response still being written when the drain
// starts is a known bug with very long lines: see shutdown.test.ts; lines here are ≤ 64 KiB.)
import test from 'ava'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { expectedLine, generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { serveFile } from './helpers/server.js'

const SEED = 51
const MIB = 1024 * 1024
const LOOPS = 50
const SHUTDOWN_TIMEOUT_MS = 5000
const SPEC = { seed: SEED, maxFillerBytes: 64 * 1024 }

type Outcome =
  | { kind: 'complete', ok: boolean, status: number }
  | { kind: 'cut', error: string }
  | { kind: 'no-response', error: string }

/** One GET whose outcome says whether its response started and whether it completed. */
async function getLine (port: number, n: number, agent: Agent): Promise<Outcome> {
  return await new Promise((resolve) => {
    let started = false
    const req = request({ host: '127.0.0.1', port, path: `/lines/${n}`, agent }, (res) => {
      started = true
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      res.once('error', (err: NodeJS.ErrnoException) => { resolve({ kind: 'cut', error: err.code ?? err.message }) })
      res.once('aborted', () => { resolve({ kind: 'cut', error: 'aborted' }) })
      res.once('end', () => {
        const body = Buffer.concat(chunks)
        const status = res.statusCode ?? 0
        const ok = status === 200
          ? body.equals(expectedLine(n, SPEC))
          : status === 503 && /"code":"ERR_SHUTTING_DOWN"/.test(body.toString('utf8'))
        resolve({ kind: 'complete', ok, status })
      })
    })
    req.once('error', (err: NodeJS.ErrnoException) => {
      resolve(started ? { kind: 'cut', error: err.code ?? err.message } : { kind: 'no-response', error: err.code ?? err.message })
    })
    req.end()
  })
}

test('drains 50 keep-alive clients on SIGTERM: every started response completes correctly, then exit 0', async (t) => {
  const dir = fixtureDir(t, 'hardening-sigterm-')
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 16 * MIB, SPEC)
  const server = await serveFile(t, dataPath, {
    args: ['--cache-bytes', '0', '--shutdown-timeout-ms', String(SHUTDOWN_TIMEOUT_MS), '--index-dir', join(dir, 'index')]
  })
  const exited = new Promise<{ code: number | null, at: number }>((resolve) => server.child.once('exit', (code) => { resolve({ code, at: Date.now() }) }))
  const agent = new Agent({ keepAlive: true, maxSockets: LOOPS })
  t.teardown(() => { agent.destroy() })

  let signalAt: number | undefined
  let stop = false
  const tally = { before: { ok: 0, wrong: 0, cut: 0, failed: 0 }, after: { ok: 0, wrong: 0, cut: 0, failed: 0 }, startedBeforeSignalNoResponse: 0 }
  const errors: Record<string, number> = {}
  const problems: string[] = []
  let next = 0
  const loop = async (): Promise<void> => {
    while (!stop) {
      const n = 1 + ((next++ * 7) % lines)
      const sentBeforeSignal = signalAt === undefined
      const outcome = await getLine(server.port, n, agent)
      const phase = signalAt === undefined ? tally.before : tally.after
      if (outcome.kind === 'complete') {
        if (outcome.ok) phase.ok++
        else { phase.wrong++; problems.push(`line ${n}: status ${outcome.status}, wrong body`) }
      } else if (outcome.kind === 'cut') {
        phase.cut++
        problems.push(`line ${n}: response cut short (${outcome.error})`)
      } else {
        phase.failed++
        if (sentBeforeSignal && signalAt !== undefined) tally.startedBeforeSignalNoResponse++
        errors[outcome.error] = (errors[outcome.error] ?? 0) + 1
        // Refused once the listener is closed: do not spin on it.
        if (signalAt !== undefined) await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
  }
  const loops = Promise.all(Array.from({ length: LOOPS }, loop))
  await new Promise((resolve) => setTimeout(resolve, 2000))
  signalAt = Date.now()
  server.child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => { resolve(undefined) }, SHUTDOWN_TIMEOUT_MS + 10_000) })
  const exit = await Promise.race([exited, timeout])
  clearTimeout(timer)
  stop = true
  await loops

  t.log('requests:', tally, 'errors of requests that got no response:', errors)
  if (exit === undefined) { t.fail(`the server did not exit within ${SHUTDOWN_TIMEOUT_MS + 10_000} ms of SIGTERM`); return }
  const exitMs = exit.at - signalAt
  const stopped = server.logs.find((e) => e.msg === 'stopped')
  t.log(`exited with ${exit.code} ${exitMs} ms after SIGTERM; stopped log:`, stopped)
  t.is(exit.code, 0)
  t.true(exitMs <= SHUTDOWN_TIMEOUT_MS + 3000, `exit ${exitMs} ms after SIGTERM (shutdown timeout ${SHUTDOWN_TIMEOUT_MS} ms)`)
  t.is(stopped?.drained, true, 'in-flight requests finished before the shutdown timeout')
  t.deepEqual(problems.slice(0, 10), [], 'every response that started completed with the right bytes')
  t.is(tally.before.failed, 0, 'no request failed before the signal')
  t.true(tally.before.ok > 100, 'the load was flowing before the signal')
  t.true(tally.after.ok + tally.after.failed > 0, 'requests were in flight at the signal')
})
