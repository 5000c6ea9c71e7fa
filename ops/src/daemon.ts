// A long-running child process (Prometheus, HAProxy) for a test: output kept for failure
// messages, a readiness probe, and stop() that never leaves the process behind.
import { spawn, type ChildProcess } from 'node:child_process'

export interface Daemon {
  readonly child: ChildProcess
  readonly output: () => string
  readonly stop: () => Promise<void>
}

export interface DaemonOptions {
  /** Resolves true once the process serves; polled every 100 ms. */
  readonly ready: () => Promise<boolean>
  /** How long to wait for `ready`; default 30 s. */
  readonly readyTimeoutMs?: number
}

export async function startDaemon (command: string, args: readonly string[], options: DaemonOptions): Promise<Daemon> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString('utf8')).slice(-64 * 1024) }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  child.once('error', (err) => { output += `\nspawn error: ${err.message}` })
  const daemon: Daemon = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000)
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break
    if (await options.ready().catch(() => false)) return daemon
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await daemon.stop()
  throw new Error(`${command} did not become ready:\n${output.slice(-4000)}`)
}
