// Processes for the hardening suite: the server started with a raised open-files limit (many
// thousands of sockets need more than a default 1024), the socket-client child that holds or
// floods those sockets from its own process, and waits on the server's JSON log lines.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ExecutionContext } from 'ava'
import { LINE_SERVER_BIN, attachServerProcess, type ServerProcess, type StartServerOptions } from '@line-server/testkit'
import type { SocketClientReport, SocketClientScenario } from './hardening-socket-client.js'

const SOCKET_CLIENT_JS = fileURLToPath(new URL('./hardening-socket-client.js', import.meta.url))

/** The hard open-files limit a child can raise its soft limit to without privileges. */
export function hardFdLimit (): number {
  const out = spawnSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()
  return out === 'unlimited' ? 1_048_576 : Number(out)
}

/** `bash -c 'ulimit -n N && exec node …'`: runs node with its soft fd limit raised to `fdLimit`. */
function spawnNodeWithFdLimit (fdLimit: number, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn('bash', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, process.execPath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
}

/**
 * Like testkit's startServer (port 0, waits for "serving"), but with the open-files limit raised
 * to `fdLimit` first; stopped in the test's teardown. `child.pid` is the server's own pid.
 */
export async function serveWithFdLimit (t: ExecutionContext, dataPath: string, fdLimit: number, options: StartServerOptions = {}): Promise<ServerProcess> {
  const child = spawnNodeWithFdLimit(fdLimit, [LINE_SERVER_BIN, 'serve', dataPath, '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], options.env ?? {})
  const server = await attachServerProcess(child, options.readyTimeoutMs)
  t.teardown(async () => { await server.stop() })
  return server
}

/** A running socket-client child: its JSON reports as they arrive, and a way to end it. */
export interface SocketClient {
  /** Resolves with the first report of `type` (rejects if the child exits first or after `timeoutMs`). */
  readonly next: (type: SocketClientReport['type'], timeoutMs: number) => Promise<SocketClientReport>
  readonly exited: Promise<number | null>
  readonly stderr: () => string
}

/** Starts the socket-client child with `fdLimit` open files; killed in the test's teardown. */
export function startSocketClient (t: ExecutionContext, scenario: SocketClientScenario, fdLimit: number): SocketClient {
  const child = spawnNodeWithFdLimit(fdLimit, [SOCKET_CLIENT_JS, JSON.stringify(scenario)], {})
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const reports: SocketClientReport[] = []
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try { reports.push(JSON.parse(line) as SocketClientReport) } catch { return }
    for (const wake of waiters.splice(0)) wake()
  })
  const next = async (type: SocketClientReport['type'], timeoutMs: number): Promise<SocketClientReport> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = reports.find((r) => r.type === type)
      if (found !== undefined) return found
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`socket client exited (${child.exitCode ?? child.signalCode}) before reporting ${type}; stderr: ${stderr}`)
      if (Date.now() > deadline) throw new Error(`socket client did not report ${type} within ${timeoutMs} ms; stderr: ${stderr}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }
  return { next, exited, stderr: () => stderr }
}

/**
 * Waits until the server has printed a log line matching `match` (polling every 5 ms) and returns
 * it with the time the test first saw it: the server wrote it no later than that.
 */
export async function waitForLog (server: ServerProcess, match: (entry: Record<string, unknown>) => boolean, timeoutMs: number): Promise<{ entry: Record<string, unknown>, seenAt: number }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const entry = server.logs.find(match)
    if (entry !== undefined) return { entry, seenAt: Date.now() }
    if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms; logs: ${JSON.stringify(server.logs.slice(-10))}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * Resident set size samples of `pid` every `everyMs` until `stop()` returns the peak (bytes).
 * Also stopped in the test's teardown: a test that fails before calling stop() would otherwise
 * leave the interval running, and AVA waits for a test file to exit on its own, so the whole
 * suite would sit idle until AVA's timeout (10 minutes in this package).
 */
export function sampleResidentBytes (t: ExecutionContext, pid: number, everyMs: number, read: (pid: number) => number): { readonly stop: () => { peak: number, samples: number } } {
  let peak = 0
  let samples = 0
  const take = (): void => {
    try {
      peak = Math.max(peak, read(pid))
      samples++
    } catch {}
  }
  take()
  const timer = setInterval(take, everyMs)
  t.teardown(() => { clearInterval(timer) })
  return {
    stop: () => {
      clearInterval(timer)
      take()
      return { peak, samples }
    }
  }
}
