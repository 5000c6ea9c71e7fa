// Piscina worker entry: opens the data file once and answers batches of line lookups.
// It only reads; it never decides HTTP statuses or retries.
import { openSync } from 'node:fs'
import { workerData } from 'node:worker_threads'
import type { SharedLineIndex } from '@line-server/shared'
import { LineReader, type LookupBatchResult } from './line-reader.js'

export interface LookupWorkerData {
  readonly dataPath: string
  readonly index: SharedLineIndex
}

const { dataPath, index } = workerData as LookupWorkerData
const reader = new LineReader(openSync(dataPath, 'r'), index)

export default function lookupBatch (lineIndexes: Float64Array): LookupBatchResult {
  return reader.readBatch(lineIndexes)
}
