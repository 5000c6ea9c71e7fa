// Worker entry of the koa-worker-reads rung: reads each batch with the engine's own LineReader
// (the same reads and file check as an engine worker), without Piscina around it.
import { openSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { loadEngine, type LineIndexHandle } from './gateway-stack.js'

export interface ReadWorkerData {
  readonly dataPath: string
  readonly index: LineIndexHandle
  readonly expectedSizeBytes: number
  /** The data file's mtime in ns as a decimal string, as the engine passes it to its workers. */
  readonly expectedMtimeNs: string
}

const data = workerData as ReadWorkerData
const { LineReader } = await loadEngine()
const reader = new LineReader(openSync(data.dataPath, 'r'), data.index, { sizeBytes: data.expectedSizeBytes, mtimeNs: BigInt(data.expectedMtimeNs) })
parentPort?.on('message', (lineIndexes: Float64Array) => {
  const { bytes, lengths } = reader.readBatch(lineIndexes)
  parentPort?.postMessage({ bytes, lengths })
})
