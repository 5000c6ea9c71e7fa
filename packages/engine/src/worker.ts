// Piscina worker entry: opens the data file once and answers batches of line lookups.
// It only reads; it never decides HTTP statuses or retries.
import { openSync } from 'node:fs'
import { workerData } from 'node:worker_threads'
import type { SharedLineIndex } from '@line-server/shared'
import { LineReader, type LookupBatchResult } from './line-reader.js'
import { parseFaultPlan, applyFaults } from './fault-injection.js'

export interface LookupWorkerData {
  readonly dataPath: string
  readonly index: SharedLineIndex
  /** Size and mtime (ns, as a decimal string: bigints do not cross to workers) at indexing. */
  readonly expectedSizeBytes: number
  readonly expectedMtimeNs: string
  /** Test-only fault plan, see fault-injection.ts; undefined in production. */
  readonly faults: string | undefined
}

const data = workerData as LookupWorkerData
const reader = new LineReader(openSync(data.dataPath, 'r'), data.index, {
  sizeBytes: data.expectedSizeBytes,
  mtimeNs: BigInt(data.expectedMtimeNs)
})
const faults = parseFaultPlan(data.faults)

export default function lookupBatch (lineIndexes: Float64Array): LookupBatchResult {
  if (faults !== undefined) applyFaults(faults, lineIndexes)
  return reader.readBatch(lineIndexes)
}
