// The shape of bench/results/*.json, and writing it (timestamped file plus latest.json).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LatencySummary } from './histogram.js'
import type { IndexMeasures } from './index-measures.js'
import type { Pattern, SystemName, ToolName } from './options.js'

export const RESULTS_SCHEMA = 1

export interface RunRecord {
  readonly tool: ToolName
  readonly pattern: Pattern
  readonly connections: number
  readonly system: SystemName
  readonly label: string
  readonly processes: number
  readonly requestsPerSec: number
  readonly requests: number
  readonly seconds: number
  readonly latencyMs: { readonly mean: number, readonly p50: number, readonly p90: number, readonly p99: number, readonly p999: number, readonly max: number }
  readonly errors: { readonly non2xx: number, readonly socket: number, readonly timeouts: number, readonly total: number }
  /** RSS of the server's process tree at the end of the measured window. */
  readonly rssBytes: number
  /** CPU cores the server's process tree used during the measured window. */
  readonly serverCores: number
  /** CPU cores the load generator used during the measured window. */
  readonly generatorCores: number
  readonly warmup: { readonly seconds: number, readonly answeredConnections: number, readonly requests: number, readonly p99Ms: number }
  readonly connectBurstIncluded: boolean
  /**
   * 1 when this system ran first in its cell, and so on (the order rotates from cell to cell).
   * Absent in results written before the rotation, when every cell ran in the systems' order.
   */
  readonly positionInCell?: number
  /**
   * req/s of each repetition of the cell (`--repeat`), in the order they ran; this record is the
   * median one's. Absent when the cell ran once.
   */
  readonly repeatRequestsPerSec?: readonly number[]
  /** Our server's LRU hit ratio over the run (warm-up included); null for other systems. */
  readonly cacheHitRatio: number | null
  /**
   * The same over the measured window only (autocannon: from the end of its warm-up; wrk has no
   * warm-up, so its whole run); null for other systems. Absent in results written before it existed.
   */
  readonly cacheHitRatioMeasured?: number | null
  /** req/s over nginx's in the same cell; null when nginx did not run. */
  readonly ratioToNginx: number | null
  /** req/s over node:http with the same process count in the same cell (`ratioBaseline`). */
  readonly ratioToNode: number | null
  readonly ratioBaseline: SystemName | null
  /** Set when the run failed; the numbers are then zero. */
  readonly failure?: string
}

export interface BenchResults {
  readonly schema: number
  readonly startedAt: string
  readonly finishedAt: string
  readonly wallSeconds: number
  /** The command that produced these results. */
  readonly command: string
  readonly options: Record<string, unknown>
  readonly machine: { readonly cores: number, readonly cpuModel: string, readonly memoryBytes: number, readonly node: string, readonly kernel: string, readonly fdLimit: number, readonly loadAverageAtStart: readonly number[] }
  readonly data: { readonly path: string, readonly bytes: number, readonly lines: number, readonly seed: number, readonly reused: boolean, readonly generateSeconds: number }
  readonly patterns: ReadonlyArray<{ readonly name: Pattern, readonly distinctLines: number, readonly top1000Share: number, readonly repeatShare?: number }>
  readonly systems: ReadonlyArray<{ readonly name: SystemName, readonly label: string, readonly processes: number, readonly startSeconds: number }>
  readonly index: IndexMeasures | null
  readonly runs: readonly RunRecord[]
  readonly notes: readonly string[]
}

export function latencyRecord (l: LatencySummary): RunRecord['latencyMs'] {
  return { mean: l.meanMs, p50: l.p50Ms, p90: l.p90Ms, p99: l.p99Ms, p999: l.p999Ms, max: l.maxMs }
}

/** Writes `<timestamp>.json` and `latest.json` (each through a temp file, so readers never see half). */
export function writeResults (dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true })
  const stamp = results.startedAt.replace(/[:.]/g, '-')
  const text = JSON.stringify(results, null, 2) + '\n'
  const path = join(dir, `${stamp}.json`)
  for (const target of [path, join(dir, 'latest.json')]) {
    writeFileSync(`${target}.tmp`, text)
    renameSync(`${target}.tmp`, target)
  }
  return path
}
