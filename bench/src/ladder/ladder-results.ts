// The shape of a ladder run's JSON, and the per-rung summary over rounds: medians, and ratios
// to the bottom rung (http-const) and to the real server (ours).
import { RUNGS, type RungName } from './rungs.js'

export const LADDER_SCHEMA = 1

/** One rung measured once. */
export interface RungRound {
  readonly rung: RungName
  /** 1-based round this measurement belongs to. */
  readonly round: number
  readonly requests: number
  /** wrk's measured window. */
  readonly seconds: number
  readonly requestsPerSec: number
  /** Socket errors, timeouts and non-2xx/3xx answers, as wrk counts them. */
  readonly errors: number
  /** CPU seconds of the server's main thread over the window (/proc/<pid>/task/<pid>/stat). */
  readonly mainThreadCpuSeconds: number
  /** CPU seconds of the whole server process, all threads, over the window (/proc/<pid>/stat). */
  readonly processCpuSeconds: number
  /** Wall seconds between the two CPU readings (wrk's start-up and connecting included). */
  readonly cpuWindowSeconds: number
  /** Main-thread CPU per answered request, in µs. */
  readonly mainThreadUsPerRequest: number
  readonly mainThreadCores: number
  readonly processCores: number
  /** Set when the rung failed to start or to be measured; the numbers are then zero. */
  readonly failure?: string
}

export interface RungMedians {
  readonly requestsPerSec: number
  readonly mainThreadUsPerRequest: number
  readonly mainThreadCores: number
  readonly processCores: number
}

export interface RungSummary {
  readonly name: RungName
  readonly description: string
  /** The rung this one adds a layer to (null: bottom rung or side baseline). */
  readonly buildsOn: RungName | null
  readonly rounds: readonly RungRound[]
  /** Medians over the rounds that did not fail; null when every round failed. */
  readonly median: RungMedians | null
  /** Median req/s over http-const's, and over ours'; null when either is missing. */
  readonly ratioToHttpConst: number | null
  readonly ratioToOurs: number | null
  /** Median main-thread µs per request minus that of the rung it builds on; null without it. */
  readonly addedMainThreadUsPerRequest: number | null
}

export interface LadderResults {
  readonly schema: number
  readonly kind: 'ladder'
  readonly startedAt: string
  readonly finishedAt: string
  readonly command: string
  readonly options: Record<string, unknown>
  readonly machine: { readonly cores: number, readonly cpuModel: string, readonly node: string, readonly loadAverageAtStart: readonly number[] }
  readonly data: { readonly path: string, readonly bytes: number, readonly lines: number, readonly reused: boolean }
  readonly wrk: { readonly threads: number, readonly connections: number, readonly durationSeconds: number, readonly warmupSeconds: number }
  /** In ladder order. */
  readonly rungs: readonly RungSummary[]
  readonly notes: readonly string[]
}

export function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function mediansOf (rounds: readonly RungRound[]): RungMedians | null {
  const ok = rounds.filter((r) => r.failure === undefined)
  if (ok.length === 0) return null
  return {
    requestsPerSec: median(ok.map((r) => r.requestsPerSec)),
    mainThreadUsPerRequest: median(ok.map((r) => r.mainThreadUsPerRequest)),
    mainThreadCores: median(ok.map((r) => r.mainThreadCores)),
    processCores: median(ok.map((r) => r.processCores))
  }
}

/** Groups the measurements by rung, in the order given, and fills medians and ratios. */
export function summarizeRungs (order: readonly RungName[], rounds: readonly RungRound[]): RungSummary[] {
  const medians = new Map(order.map((name) => [name, mediansOf(rounds.filter((r) => r.rung === name))]))
  const ratio = (own: RungMedians | null, other: RungMedians | null | undefined): number | null =>
    own === null || other === null || other === undefined || other.requestsPerSec === 0 ? null : own.requestsPerSec / other.requestsPerSec
  return order.map((name) => {
    const own = medians.get(name) ?? null
    const { buildsOn, description } = RUNGS[name]
    const below = buildsOn === null ? undefined : medians.get(buildsOn)
    return {
      name,
      description,
      buildsOn,
      rounds: rounds.filter((r) => r.rung === name),
      median: own,
      ratioToHttpConst: ratio(own, medians.get('http-const')),
      ratioToOurs: ratio(own, medians.get('ours')),
      addedMainThreadUsPerRequest: own === null || below === null || below === undefined ? null : own.mainThreadUsPerRequest - below.mainThreadUsPerRequest
    }
  })
}
