// The in-memory line index: checkpoint tables in one SharedArrayBuffer that every engine worker
// maps without copying, and the lookup that turns a line number into a byte range to read.

/** Facts about the indexed data file that every lookup needs. */
export interface LineIndexFacts {
  readonly dataSizeBytes: number
  readonly lineCount: number
  readonly checkpointCount: number
  readonly checkpointEveryLines: number
  readonly checkpointEveryBytes: number
}

/**
 * The index as it is shared with workers: `buffer` holds `checkpointCount` line numbers
 * (0-based) followed by `checkpointCount` byte offsets, each a float64 (exact below 2^53).
 */
export interface SharedLineIndex extends LineIndexFacts {
  readonly buffer: SharedArrayBuffer
}

export interface CheckpointTables {
  readonly lines: Float64Array
  readonly offsets: Float64Array
}

/** Where to look for one line: the block that holds it and how many lines to skip inside. */
export interface LineLocation {
  /** Byte offset of the block's first line. */
  readonly blockStart: number
  /** Byte offset one past the block's last byte (the next checkpoint, or the file size). */
  readonly blockEnd: number
  /** Lines to skip from blockStart to reach the wanted line. */
  readonly linesToSkip: number
}

export function allocateSharedIndex (facts: LineIndexFacts): SharedLineIndex {
  return { ...facts, buffer: new SharedArrayBuffer(facts.checkpointCount * 16) }
}

export function checkpointTables (index: SharedLineIndex): CheckpointTables {
  const count = index.checkpointCount
  return {
    lines: new Float64Array(index.buffer, 0, count),
    offsets: new Float64Array(index.buffer, count * 8, count)
  }
}

/**
 * Locates a 0-based line. The caller has already checked `lineIndex < lineCount`.
 * Binary search for the last checkpoint at or before the line: O(log checkpoints).
 */
export function locateLine (facts: LineIndexFacts, tables: CheckpointTables, lineIndex: number): LineLocation {
  const { lines, offsets } = tables
  const lo = checkpointIndexOf(lines, facts.checkpointCount, lineIndex)
  const next = lo + 1
  return {
    blockStart: offsets[lo]!,
    blockEnd: next < facts.checkpointCount ? offsets[next]! : facts.dataSizeBytes,
    linesToSkip: lineIndex - lines[lo]!
  }
}

/**
 * A copy of the index holding only the checkpoints lines [firstLine, lastLine] (0-based,
 * inclusive) need. For a server that serves one shard of a file: memory in proportion to its
 * range, not the file. Its dataSizeBytes becomes the end of its last block.
 */
export function sliceIndex (index: SharedLineIndex, firstLine: number, lastLine: number): SharedLineIndex {
  if (index.checkpointCount === 0) return index
  const tables = checkpointTables(index)
  const first = checkpointIndexOf(tables.lines, index.checkpointCount, firstLine)
  const last = checkpointIndexOf(tables.lines, index.checkpointCount, lastLine)
  const blockEnd = last + 1 < index.checkpointCount ? tables.offsets[last + 1]! : index.dataSizeBytes
  const slice = allocateSharedIndex({ ...index, checkpointCount: last - first + 1, dataSizeBytes: blockEnd })
  const sliced = checkpointTables(slice)
  sliced.lines.set(tables.lines.subarray(first, last + 1))
  sliced.offsets.set(tables.offsets.subarray(first, last + 1))
  return slice
}

function checkpointIndexOf (lines: Float64Array, count: number, lineIndex: number): number {
  let lo = 0
  let hi = count - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (lines[mid]! <= lineIndex) lo = mid
    else hi = mid - 1
  }
  return lo
}
