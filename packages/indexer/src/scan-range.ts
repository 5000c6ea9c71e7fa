// Scans one byte range of the data file for line starts and records checkpoints. Pure apart
// from positional reads, so it runs the same in a worker thread or in the calling thread.
import { readSync } from 'node:fs'

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
  let lineStarts = 0
  let lastLine = -Infinity
  let lastOffset = -Infinity
  const startLine = (offset: number): void => {
    if (lineStarts - lastLine >= checkpointEveryLines || offset - lastOffset >= checkpointEveryBytes) {
      checkpoints.push(lineStarts, offset)
      lastLine = lineStarts
      lastOffset = offset
    }
    lineStarts++
  }
  if (rangeStart < rangeEnd && (rangeStart === 0 || byteAt(fd, rangeStart - 1) === NEWLINE)) startLine(rangeStart)
  const buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, Math.max(1, rangeEnd - rangeStart)))
  for (let chunkStart = rangeStart; chunkStart < rangeEnd;) {
    const length = readChunk(fd, buf, chunkStart, Math.min(buf.length, rangeEnd - chunkStart))
    // A newline at the range's last byte starts a line in the next range (or ends the file).
    const lastStartable = rangeEnd - 1 - chunkStart
    let i = buf.indexOf(NEWLINE, 0)
    while (i !== -1 && i < length) {
      if (i < lastStartable) startLine(chunkStart + i + 1)
      i = buf.indexOf(NEWLINE, i + 1)
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
  // Bytes past `length` are from the previous chunk; indexOf must not see them.
  if (length < buf.length) buf.fill(0, length)
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
