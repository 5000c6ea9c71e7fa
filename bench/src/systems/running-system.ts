// What every system under test looks like to the harness once started, whatever it is.
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
