// Builds a line index in one pass over the data file, splitting it into byte ranges scanned
// in parallel by worker threads, then joins the ranges and writes the index atomically.
import { closeSync, openSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { CHECKPOINT_BYTES, identifyOpenDataFile, sameIdentity, writeIndexFile, type CheckpointTables } from '@line-server/shared'
import { scanRange, type RangeScan, type RangeScanRequest } from './scan-range.js'
import { chooseCheckpointLines, thinCheckpoints } from './checkpoint-budget.js'
import type { ScanWorkerData } from './scan-worker.js'

export const DEFAULT_CHECKPOINT_EVERY_LINES = 64
export const DEFAULT_CHECKPOINT_EVERY_BYTES = 16 * 1024
export const DEFAULT_INDEX_MAX_BYTES = 512 * 1024 * 1024
// Below this a worker's start-up (~30 ms) costs more than it saves.
const PARALLEL_THRESHOLD_BYTES = 64 * 1024 * 1024

export interface BuildIndexOptions {
  readonly dataPath: string
  readonly indexPath: string
  /** Scanner threads; default: the machine's available parallelism. */
  readonly threads?: number
  /** A checkpoint at least every this many lines; default 64. */
  readonly checkpointEveryLines?: number
  /** A checkpoint at least every this many bytes; default 16 KiB. Bounds the bytes a lookup scans. */
  readonly checkpointEveryBytes?: number
  /** Most bytes the checkpoint table may take in memory; default 512 MiB. Wider line spacing keeps it there. */
  readonly indexMaxBytes?: number
  /** Aborts a build in progress (its scanner threads are terminated; nothing is written). */
  readonly signal?: AbortSignal
  /** Called about every 100 ms with the bytes scanned so far. */
  readonly onProgress?: (scannedBytes: number, totalBytes: number) => void
}

export interface BuildIndexResult {
  readonly dataSizeBytes: number
  readonly lineCount: number
  readonly checkpointCount: number
  readonly seconds: number
  readonly threads: number
}

export async function buildIndex (options: BuildIndexOptions): Promise<BuildIndexResult> {
  const started = process.hrtime.bigint()
  const checkpointEveryBytes = options.checkpointEveryBytes ?? DEFAULT_CHECKPOINT_EVERY_BYTES
  const indexMaxBytes = options.indexMaxBytes ?? DEFAULT_INDEX_MAX_BYTES
  const fd = openSync(options.dataPath, 'r')
  try {
    const before = identifyOpenDataFile(fd)
    const size = before.sizeBytes
    const checkpointEveryLines = chooseCheckpointLines(fd, size, options.checkpointEveryLines ?? DEFAULT_CHECKPOINT_EVERY_LINES, checkpointEveryBytes, indexMaxBytes)
    const threads = size < PARALLEL_THRESHOLD_BYTES ? 1 : Math.max(1, options.threads ?? availableParallelism())
    const requests = splitRanges(size, threads).map((range) => ({ ...range, dataSizeBytes: size, checkpointEveryLines, checkpointEveryBytes }))
    const scans = threads === 1
      ? [scanRange(fd, requests[0]!, (bytes) => options.onProgress?.(bytes, size))]
      : await scanInWorkers(options.dataPath, requests, options.onProgress, options.signal)
    options.signal?.throwIfAborted()
    const after = identifyOpenDataFile(fd)
    if (!sameIdentity(before, after)) throw new Error(`${options.dataPath} changed while it was being indexed`)
    const joined = joinScans(scans)
    const lineCount = joined.lineCount
    const thinned = thinCheckpoints(joined.tables, size, checkpointEveryLines, checkpointEveryBytes, Math.floor(indexMaxBytes / CHECKPOINT_BYTES))
    const tables = thinned.tables
    try {
      writeIndexFile(options.indexPath, before, { lineCount, checkpointEveryLines: thinned.everyLines, checkpointEveryBytes, tables })
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const hint = code === 'ENOSPC' ? ' (no space left on the device: free some, or point --index-dir elsewhere)' : code === 'EROFS' || code === 'EACCES' ? ' (not writable: use --index-dir)' : ''
      throw new Error(`cannot write the index ${options.indexPath}: ${(err as Error).message}${hint}`, { cause: err })
    }
    options.onProgress?.(size, size)
    return {
      dataSizeBytes: size,
      lineCount,
      checkpointCount: tables.lines.length,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      threads
    }
  } finally {
    closeSync(fd)
  }
}

function splitRanges (size: number, parts: number): Array<{ rangeStart: number, rangeEnd: number }> {
  const step = Math.ceil(size / parts)
  const ranges = []
  for (let start = 0; start < size || ranges.length === 0; start += step) {
    ranges.push({ rangeStart: start, rangeEnd: Math.min(size, start + step) })
    if (size === 0) break
  }
  return ranges
}

function joinScans (scans: readonly RangeScan[]): { lineCount: number, tables: CheckpointTables } {
  const total = scans.reduce((sum, s) => sum + s.lines.length, 0)
  const lines = new Float64Array(total)
  const offsets = new Float64Array(total)
  let lineBase = 0
  let at = 0
  for (const scan of scans) {
    for (let i = 0; i < scan.lines.length; i++, at++) {
      lines[at] = scan.lines[i]! + lineBase
      offsets[at] = scan.offsets[i]!
    }
    lineBase += scan.lineStarts
  }
  return { lineCount: lineBase, tables: { lines, offsets } }
}

async function scanInWorkers (
  dataPath: string,
  requests: readonly RangeScanRequest[],
  onProgress: BuildIndexOptions['onProgress'],
  signal: AbortSignal | undefined
): Promise<RangeScan[]> {
  const progress = new Int32Array(new SharedArrayBuffer(4 * requests.length))
  const total = requests.reduce((sum, r) => sum + r.rangeEnd - r.rangeStart, 0)
  const ticker = onProgress === undefined
    ? undefined
    : setInterval(() => { onProgress(progress.reduce((sum, kib) => sum + kib * 1024, 0), total) }, 100)
  try {
    return await Promise.all(requests.map(async (request, slot) => await runScanWorker({ ...request, dataPath, progress, slot }, signal)))
  } finally {
    if (ticker !== undefined) clearInterval(ticker)
  }
}

async function runScanWorker (workerData: ScanWorkerData, signal: AbortSignal | undefined): Promise<RangeScan> {
  signal?.throwIfAborted()
  return await new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData })
    const abort = (): void => { void worker.terminate() }
    signal?.addEventListener('abort', abort, { once: true })
    let result: RangeScan | undefined
    worker.once('message', (scan: RangeScan) => { result = scan })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', abort)
      if (result !== undefined) resolve(result)
      else if (signal?.aborted === true) reject(signal.reason)
      else reject(new Error(`index scanner thread exited with code ${code} before finishing`))
    })
  })
}
