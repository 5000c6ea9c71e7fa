// What a load run is asked to do and what it reports, shared by the parent and the load worker.
import type { LatencySummary } from '../histogram.js'

export interface LoadJob {
  readonly url: string
  readonly connections: number
  /** Measured seconds, counted from the end of the warm-up. */
  readonly durationSeconds: number
  /** Least warm-up; the warm-up also lasts until every connection has had an answer. */
  readonly minWarmupSeconds: number
  /** Measuring starts after this many seconds even if some connections never got an answer. */
  readonly maxWarmupSeconds: number
  /** File of request paths, one per line, requested in order by all connections together. */
  readonly pathsFile: string
}

export interface LoadResult {
  readonly requests: number
  readonly seconds: number
  readonly requestsPerSec: number
  readonly latency: LatencySummary
  readonly non2xx: number
  readonly socketErrors: number
  readonly timeouts: number
  readonly warmup: {
    readonly seconds: number
    /** Connections that had an answer when measuring began (all of them unless timed out). */
    readonly answeredConnections: number
    readonly requests: number
    /** Latency while connections were still being opened: the connection-burst case. */
    readonly latency: LatencySummary
  }
  /** CPU seconds the generator used in the measured window, and that over the window's length. */
  readonly generatorCpuSeconds: number
  readonly generatorCores: number
  /** True when the connections were opened inside the measured window (wrk). */
  readonly connectBurstIncluded: boolean
}

export type WorkerMessage =
  | { readonly type: 'measuring' }
  | { readonly type: 'measured' }
  | { readonly type: 'result', readonly result: LoadResult }
  | { readonly type: 'error', readonly message: string }
