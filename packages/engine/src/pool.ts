// Creates the Piscina pool of lookup workers. Every setting here answers a known pitfall:
// a bounded queue, threads that never idle out, the index shared, not copied, and workers'
// young generations kept small.
import { Piscina } from 'piscina'
import type { SharedLineIndex } from '@line-server/shared'
import type { LookupWorkerData } from './worker.js'

/**
 * Each worker's young generation, in MiB. V8's default lets a worker's new space grow to 16 MiB,
 * and under load each one does, though a batch leaves only a few KiB of garbage (the lines'
 * bytes live in ArrayBuffers, outside it). Capped, the RSS of a 10 GiB file's server with its
 * cache full peaked 142-143 MiB over the budget against 157-162 uncapped, at the same req/s.
 */
export const WORKER_YOUNG_GENERATION_MB = 2

export interface LookupPoolOptions {
  readonly dataPath: string
  readonly index: SharedLineIndex
  /** Size and mtime of the data file when it was indexed; workers refuse reads from anything else. */
  readonly expectedData: { readonly sizeBytes: number, readonly mtimeNs: bigint }
  /** Worker threads; each holds its own fd on the data file. */
  readonly threads: number
  /**
   * Nice increment each worker applies to its own thread. Piscina does it with its optional
   * dependency @napi-rs/nice; where that addon cannot load, the workers keep the caller's priority.
   */
  readonly niceIncrement: number
  /** Batches that may wait for a worker before `run` rejects; the engine bounds lookups before this. */
  readonly maxQueuedBatches: number
}

export function createLookupPool (options: LookupPoolOptions): Piscina {
  const workerData: LookupWorkerData = {
    dataPath: options.dataPath,
    index: options.index,
    expectedSizeBytes: options.expectedData.sizeBytes,
    expectedMtimeNs: options.expectedData.mtimeNs.toString(),
    faults: process.env.LINE_SERVER_TEST_FAULTS
  }
  return new Piscina({
    filename: new URL('./worker-entry.cjs', import.meta.url).href,
    // The SharedArrayBuffer inside workerData is shared by reference with every worker.
    workerData,
    minThreads: options.threads,
    maxThreads: options.threads,
    idleTimeout: Number.MAX_SAFE_INTEGER,
    maxQueue: options.maxQueuedBatches,
    // The lookup is synchronous (readSync); more than one task per worker only adds latency.
    concurrentTasksPerWorker: 1,
    niceIncrement: options.niceIncrement,
    // Piscina's own run/wait-time histograms cost a record per task and nothing here reads them.
    recordTiming: false,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB }
  })
}
