// Starts one rung in its own child process on a free port and resolves once it answers
// GET /lines/1 with 200 (ours answers 503 until its index is loaded), or fails with its stderr.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort, LINE_SERVER_BIN } from '@line-server/testkit'
import { stopChild } from '../systems/running-system.js'
import { onCpus } from '../cpu-pinning.js'
import type { RungName } from './rungs.js'

const RUNG_SERVER = fileURLToPath(new URL('./rung-server.js', import.meta.url))
const BASELINE_SERVER = fileURLToPath(new URL('../baselines/node-readsync-server.js', import.meta.url))
const READY_POLL_MS = 50

export interface StartedRung {
  /** The server's process: its main thread's id is the same number. */
  readonly pid: number
  readonly url: string
  readonly stop: () => Promise<void>
}

function commandLine (rung: RungName, dataPath: string, port: number): string[] {
  const listen = ['--port', String(port), '--host', '127.0.0.1']
  if (rung === 'ours') return [LINE_SERVER_BIN, 'serve', dataPath, ...listen]
  if (rung === 'node-readsync') return [BASELINE_SERVER, dataPath, ...listen]
  return [RUNG_SERVER, rung, dataPath, ...listen]
}

async function answers (url: string): Promise<boolean> {
  try {
    const response = await fetch(url)
    await response.arrayBuffer()
    return response.status === 200
  } catch {
    return false
  }
}

/** `cpuList`: the CPUs the server may run on, as `taskset -c` takes them; default any. */
export async function startRung (rung: RungName, dataPath: string, readyTimeoutMs: number, cpuList?: string): Promise<StartedRung> {
  const port = await freePort()
  // taskset execs the server in place, so the child's pid is still the server's main thread.
  const [file, ...args] = onCpus([process.execPath, ...commandLine(rung, dataPath, port)], cpuList)
  // stdout ignored rather than piped: a pipe nobody reads would stall a server that logs.
  const child = spawn(file!, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr = (stderr + text).slice(-4000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  const url = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => { await stopChild(child, exited) }
  const deadline = performance.now() + readyTimeoutMs
  while (!(await answers(`${url}/lines/1`))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${rung} exited before answering (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`)
    if (performance.now() > deadline) {
      await stop()
      throw new Error(`${rung} did not answer ${url}/lines/1 within ${readyTimeoutMs} ms: ${stderr.trim()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
  }
  return { pid: child.pid ?? 0, url, stop }
}
