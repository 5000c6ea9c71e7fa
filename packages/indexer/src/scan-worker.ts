// Worker-thread entry for a parallel index build: scans one range and posts its checkpoints.
// Progress goes through a shared Int32Array (KiB scanned) so the parent can draw a bar
// without a message per chunk.
import { openSync, closeSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { scanRange, type RangeScanRequest } from './scan-range.js'

export interface ScanWorkerData extends RangeScanRequest {
  readonly dataPath: string
  readonly progress: Int32Array
  readonly slot: number
}

const data = workerData as ScanWorkerData
const fd = openSync(data.dataPath, 'r')
try {
  const scan = scanRange(fd, data, (bytes) => { Atomics.store(data.progress, data.slot, Math.floor(bytes / 1024)) })
  parentPort!.postMessage(scan, [scan.lines.buffer, scan.offsets.buffer])
} finally {
  closeSync(fd)
}
