// Creates the Piscina pool of lookup workers. Every setting here answers a known pitfall:
// a bounded queue, threads that never idle out, and the index shared, not copied.
import { Piscina } from 'piscina'
import type { SharedLineIndex } from '@line-server/shared'
import type { LookupWorkerData } from './worker.js'

export interface LookupPoolOptions {
  readonly dataPath: string
  readonly index: SharedLineIndex
  /** Size and mtime of the data file when it was indexed; workers refuse reads from anything else. */
  readonly expectedData: { readonly sizeBytes: number, readonly mtimeNs: bigint }
  /** Worker threads; each holds its own fd on the data file. */
  readonly threads: number
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
    // Piscina's own run/wait-time histograms cost a record per task and nothing here reads them.
    recordTiming: false
  })
}
