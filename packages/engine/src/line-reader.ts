// Reads lines from the data file with positional, exact-size reads guided by the shared index.
// Runs inside engine workers (and in tests directly). Failures come back as data, not throws:
// error classes do not survive the hop back to the main thread.
import { fstatSync, readSync } from 'node:fs'
import { checkpointViews, locateLine, type CheckpointViews, type SharedLineIndex } from '@line-server/shared'

const NEWLINE = 0x0a

/** Failure codes a worker can report for one line, by position: length -1 - i means CODES[i]. */
export const LOOKUP_FAILURE_CODES = ['ERR_READ_FAILED', 'ERR_FILE_CHANGED'] as const
export type LookupFailureCode = typeof LOOKUP_FAILURE_CODES[number]

/**
 * The answer to a batch: the lines' bytes back to back in `bytes` (its own exact-size buffer,
 * so posting it copies no more than it holds), and per line its length or a negative failure.
 */
export interface LookupBatchResult {
  readonly bytes: Uint8Array
  readonly lengths: Float64Array
  /** Message of the first read error, for the server log; undefined when all reads succeeded. */
  readonly firstError: string | undefined
}

/** What the data file looked like when it was indexed; a read from anything else is refused. */
export interface ExpectedDataFile {
  readonly sizeBytes: number
  readonly mtimeNs: bigint
}

export class LineReader {
  private readonly fd: number
  private readonly index: SharedLineIndex
  private readonly expected: ExpectedDataFile | undefined
  private readonly tables: CheckpointViews
  private readonly scratch: Buffer
  private arena: Buffer

  constructor (fd: number, index: SharedLineIndex, expected?: ExpectedDataFile) {
    this.fd = fd
    this.index = index
    this.expected = expected
    this.tables = checkpointViews(index)
    this.scratch = Buffer.allocUnsafeSlow(Math.max(1, index.checkpointEveryBytes))
    this.arena = Buffer.allocUnsafeSlow(64 * 1024)
  }

  /** Reads 0-based lines, each already checked to be below lineCount. */
  readBatch (lineIndexes: ArrayLike<number>): LookupBatchResult {
    const lengths = new Float64Array(lineIndexes.length)
    let used = 0
    let firstError: string | undefined
    for (let i = 0; i < lineIndexes.length; i++) {
      try {
        const line = this.readLine(lineIndexes[i]!)
        if (typeof line === 'string') { lengths[i] = -1 - LOOKUP_FAILURE_CODES.indexOf(line); continue }
        this.reserve(used + line.length)
        line.copy(this.arena, used)
        used += line.length
        lengths[i] = line.length
      } catch (err) {
        firstError ??= (err as Error).message
        lengths[i] = -1 - LOOKUP_FAILURE_CODES.indexOf('ERR_READ_FAILED')
      }
    }
    // Checked after the reads: a writer updates mtime before its bytes become visible, so if the
    // file still looks as indexed now, every byte read above belongs to the indexed version.
    if (this.expected !== undefined && !this.stillAsIndexed(this.expected)) {
      lengths.fill(-1 - LOOKUP_FAILURE_CODES.indexOf('ERR_FILE_CHANGED'))
      used = 0
    }
    const bytes = new Uint8Array(used)
    bytes.set(this.arena.subarray(0, used))
    return { bytes, lengths, firstError }
  }

  /** The line's bytes (a view that is valid until the next call), or why it could not be read. */
  readLine (lineIndex: number): Buffer | LookupFailureCode {
    const { blockStart, blockEnd, linesToSkip } = locateLine(this.index, this.tables, lineIndex)
    const firstLength = Math.min(blockEnd - blockStart, this.scratch.length)
    if (this.readAt(this.scratch, firstLength, blockStart) !== firstLength) return 'ERR_FILE_CHANGED'
    const head = this.scratch.subarray(0, firstLength)
    let lineStart = 0
    for (let skipped = 0; skipped < linesToSkip; skipped++) {
      const newline = head.indexOf(NEWLINE, lineStart)
      // Every line start of a block lies within checkpointEveryBytes of it; not finding one
      // means the file is not the one the index describes.
      if (newline === -1) return 'ERR_FILE_CHANGED'
      lineStart = newline + 1
    }
    const lineEnd = head.indexOf(NEWLINE, lineStart)
    if (lineEnd !== -1) return head.subarray(lineStart, lineEnd)
    if (firstLength === blockEnd - blockStart) return head.subarray(lineStart, firstLength)
    // The line runs past what we read, so it is the block's last line: it ends at blockEnd.
    return this.readTail(blockStart + lineStart, blockEnd)
  }

  private stillAsIndexed (expected: ExpectedDataFile): boolean {
    const stat = fstatSync(this.fd, { bigint: true })
    return stat.size === BigInt(expected.sizeBytes) && stat.mtimeNs === expected.mtimeNs
  }

  private readTail (start: number, blockEnd: number): Buffer | LookupFailureCode {
    const tail = Buffer.allocUnsafe(blockEnd - start)
    if (this.readAt(tail, tail.length, start) !== tail.length) return 'ERR_FILE_CHANGED'
    return tail[tail.length - 1] === NEWLINE ? tail.subarray(0, tail.length - 1) : tail
  }

  private readAt (target: Buffer, length: number, position: number): number {
    let done = 0
    while (done < length) {
      const n = readSync(this.fd, target, done, length - done, position + done)
      if (n === 0) break
      done += n
    }
    return done
  }

  private reserve (bytes: number): void {
    if (bytes <= this.arena.length) return
    const bigger = Buffer.allocUnsafeSlow(Math.max(bytes, this.arena.length * 2))
    this.arena.copy(bigger)
    this.arena = bigger
  }
}
