// Starts the real `line-server serve` CLI as a child process on a free port and waits for its
// "serving" log line. For end-to-end tests, benchmarks and ops checks.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { createServer } from 'node:net'

/** Absolute path of the repository root (this file is packages/testkit/dist/src/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
export const LINE_SERVER_BIN = `${REPO_ROOT}packages/gateway/bin/line-server.js`
export const LINE_INDEX_BIN = `${REPO_ROOT}packages/indexer/bin/line-index.js`

export interface ServerProcess {
  readonly child: ChildProcess
  readonly port: number
  readonly url: string
  /** Every stdout line the server printed that parsed as JSON. */
  readonly logs: Array<Record<string, unknown>>
  readonly stderr: () => string
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after `timeoutMs`). */
  readonly stop: (timeoutMs?: number) => Promise<number | null>
}

export interface StartServerOptions {
  readonly args?: readonly string[]
  readonly env?: NodeJS.ProcessEnv
  /** How long to wait for the "serving" line; default 60 s. */
  readonly readyTimeoutMs?: number
}

export async function startServer (dataPath: string, options: StartServerOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [LINE_SERVER_BIN, 'serve', dataPath, '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return await attachServerProcess(child, options.readyTimeoutMs)
}

/**
 * Follows a `line-server serve` child already spawned (stdout and stderr piped): collects its
 * JSON log lines and resolves once it logs "serving". A server that exits first, or is not
 * ready within `readyTimeoutMs` (default 60 s), is rejected, and in the latter case killed, so
 * it cannot outlive the test that started it.
 */
export async function attachServerProcess (child: ChildProcess, readyTimeoutMs = 60_000): Promise<ServerProcess> {
  const logs: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
  const stop = async (timeoutMs = 15_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not log "serving" within ${readyTimeoutMs} ms; logs: ${JSON.stringify(logs)}; stderr: ${stderr}`))
    }, readyTimeoutMs)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (entry.msg === 'serving') { clearTimeout(timer); resolve(entry.port as number) }
      } catch {}
    })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before ready; logs: ${JSON.stringify(logs)}; stderr: ${stderr}`)) })
  })
  return { child, port, url: `http://127.0.0.1:${port}`, logs, stderr: () => stderr, stop }
}

/** Runs a CLI to completion and returns its exit code and output. */
export async function runCommand (args: readonly string[], options: { env?: NodeJS.ProcessEnv, cwd?: string } = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => { stdout += t })
  child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t })
  // 'close', not 'exit': at 'exit' the pipes may still hold output not yet read (seen in CI: a
  // start-up error's log line missing from a command that had exited 1).
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, stdout, stderr }
}

/** A TCP port free on 127.0.0.1 right now (for servers that must be told their port in advance). */
export async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}
