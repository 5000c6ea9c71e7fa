// What every system under test looks like to the harness once started, whatever it is.
import type { ChildProcess } from 'node:child_process'
import type { SystemName } from '../options.js'

export interface RunningSystem {
  readonly name: SystemName
  /** Human label for tables, e.g. "ours (cache 0)". */
  readonly label: string
  /** Processes serving HTTP: ratios to node:http compare systems with the same count. */
  readonly processes: number
  /** The process whose tree (workers, threads) is measured for RSS and CPU. */
  readonly pid: number
  readonly url: string
  readonly startSeconds: number
  readonly stop: () => Promise<void>
}

/** Stops a system's child: SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
export async function stopChild (child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
