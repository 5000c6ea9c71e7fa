// Scans one byte range of the data file for line starts and records checkpoints. Pure apart
// from positional reads, so it runs the same in a worker thread or in the calling thread.
// The WebAssembly scanner jumps from checkpoint to checkpoint: one call per checkpoint (every
// 64 lines), not per line, so short lines scan as fast as long ones.
import { readSync } from 'node:fs'
import { createNewlineScanner } from './newline-scanner.js'

const NEWLINE = 0x0a
/** Bytes read per positional read while scanning. */
export const SCAN_CHUNK_BYTES = 2 * 1024 * 1024

export interface RangeScanRequest {
  readonly rangeStart: number
  readonly rangeEnd: number
  readonly dataSizeBytes: number
  readonly checkpointEveryLines: number
  readonly checkpointEveryBytes: number
}

/**
 * Line starts in [rangeStart, rangeEnd): `lineStarts` of them, with checkpoints whose line
 * numbers count from the range's first line start (which always gets a checkpoint, so ranges
 * can be joined by adding the line starts of the ranges before).
 */
export interface RangeScan {
  readonly lineStarts: number
  readonly lines: Float64Array<ArrayBuffer>
  readonly offsets: Float64Array<ArrayBuffer>
}

export function scanRange (fd: number, request: RangeScanRequest, onBytes?: (scannedBytes: number) => void): RangeScan {
  const { rangeStart, rangeEnd, checkpointEveryLines, checkpointEveryBytes } = request
  const checkpoints = new CheckpointList()
  const scanner = createNewlineScanner(Math.min(SCAN_CHUNK_BYTES, Math.max(1, rangeEnd - rangeStart)))
  let lineStarts = 0
  // A newline before `windowEnd` starts a checkpoint only as the `need`-th since the last one;
  // the first newline at or after it always does (the line start is then checkpointEveryBytes on).
  let need = 1
  let windowEnd = rangeStart
  const emit = (offset: number): void => {
    checkpoints.push(lineStarts, offset)
    lineStarts++
    need = checkpointEveryLines
    windowEnd = offset + checkpointEveryBytes - 1
  }
  if (rangeStart < rangeEnd && (rangeStart === 0 || byteAt(fd, rangeStart - 1) === NEWLINE)) emit(rangeStart)
  // A newline at the range's last byte starts a line in the next range (or ends the file).
  const lastStartingNewline = rangeEnd - 1
  for (let chunkStart = rangeStart; chunkStart < rangeEnd;) {
    const length = readChunk(fd, scanner.chunk, chunkStart, Math.min(scanner.chunk.length, rangeEnd - chunkStart))
    const limit = Math.min(length, lastStartingNewline - chunkStart)
    let pos = 0
    while (pos < limit) {
      const searchEnd = chunkStart + pos < windowEnd ? Math.min(limit, windowEnd - chunkStart) : limit
      const wanted = chunkStart + pos < windowEnd ? need : 1
      const newline = scanner.findNthNewline(pos, searchEnd, wanted)
      if (newline === -1) {
        const found = scanner.lastFound()
        lineStarts += found
        need -= found
        pos = searchEnd
        continue
      }
      lineStarts += wanted - 1
      emit(chunkStart + newline + 1)
      pos = newline + 1
    }
    chunkStart += length
    onBytes?.(chunkStart - rangeStart)
  }
  return { lineStarts, ...checkpoints.toArrays() }
}

function readChunk (fd: number, buf: Buffer, position: number, length: number): number {
  let done = 0
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done)
    if (n === 0) throw new Error(`the data file ended at byte ${position + done} while scanning; it changed during indexing`)
    done += n
  }
  return length
}

function byteAt (fd: number, position: number): number {
  const one = Buffer.alloc(1)
  readChunk(fd, one, position, 1)
  return one[0]!
}

class CheckpointList {
  private lines: Float64Array<ArrayBuffer> = new Float64Array(1024)
  private offsets: Float64Array<ArrayBuffer> = new Float64Array(1024)
  private count = 0

  push (line: number, offset: number): void {
    if (this.count === this.lines.length) {
      this.lines = grow(this.lines)
      this.offsets = grow(this.offsets)
    }
    this.lines[this.count] = line
    this.offsets[this.count] = offset
    this.count++
  }

  toArrays (): { lines: Float64Array<ArrayBuffer>, offsets: Float64Array<ArrayBuffer> } {
    return { lines: this.lines.slice(0, this.count), offsets: this.offsets.slice(0, this.count) }
  }
}

function grow (array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2)
  bigger.set(array)
  return bigger
}
