// The in-memory line index: checkpoint tables in one SharedArrayBuffer that every engine worker
// maps without copying, and the lookup that turns a line number into a byte range to read.
//
// Checkpoints are packed to 8 bytes each: a line number and a byte offset as u32 deltas from
// their group's base, where a group runs until either delta would pass 2^32 (so a group covers
// at least 4 GiB or 4 G lines). A 10 GiB file of 110-byte lines has 1.5 M checkpoints in one
// group: 12 MiB instead of the 24 MiB two float64s each took, and a 100 GB file 120 MB.

const U32_LIMIT = 2 ** 32
/** Bytes per group: its first checkpoint's number, base line and base offset, as float64s. */
const GROUP_BYTES = 24
/** Bytes per checkpoint in memory and on disk: two u32 deltas. */
export const CHECKPOINT_BYTES = 8

/** Facts about the indexed data file that every lookup needs. */
export interface LineIndexFacts {
  readonly dataSizeBytes: number
  readonly lineCount: number
  readonly checkpointCount: number
  readonly checkpointGroupCount: number
  readonly checkpointEveryLines: number
  readonly checkpointEveryBytes: number
}

/**
 * The index as it is shared with workers. `buffer` holds, in order: per group, the number of
 * its first checkpoint, its base line (0-based) and its base byte offset, three float64 arrays
 * (exact below 2^53); then per checkpoint its line minus its group's base line, and its offset
 * minus its group's base offset, two u32 arrays.
 */
export interface SharedLineIndex extends LineIndexFacts {
  readonly buffer: SharedArrayBuffer
}

/** Checkpoints in plain form, as the indexer finds them: line `lines[i]` starts at byte `offsets[i]`. */
export interface CheckpointTables {
  readonly lines: Float64Array
  readonly offsets: Float64Array
}

/** Typed views of a SharedLineIndex's buffer, see SharedLineIndex. */
export interface CheckpointViews {
  readonly groupFirst: Float64Array
  readonly groupLine: Float64Array
  readonly groupOffset: Float64Array
  readonly lineDeltas: Uint32Array
  readonly offsetDeltas: Uint32Array
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

export type IndexFileFacts = Omit<LineIndexFacts, 'checkpointCount' | 'checkpointGroupCount'>

/** Bytes of a shared index's buffer, which are also an index file's body. */
export function sharedIndexBytes (checkpointCount: number, checkpointGroupCount: number): number {
  return checkpointGroupCount * GROUP_BYTES + checkpointCount * CHECKPOINT_BYTES
}

/** An empty shared buffer of the right size, for a loader to fill with an index file's body. */
export function allocateSharedIndex (facts: LineIndexFacts): SharedLineIndex {
  return { ...facts, buffer: new SharedArrayBuffer(sharedIndexBytes(facts.checkpointCount, facts.checkpointGroupCount)) }
}

/** Packs plain checkpoints (increasing, starting at line 0, byte 0) into a shared index. */
export function createSharedIndex (facts: IndexFileFacts, tables: CheckpointTables): SharedLineIndex {
  const { lines, offsets } = tables
  const starts = groupStarts(tables)
  const index = allocateSharedIndex({ ...facts, checkpointCount: lines.length, checkpointGroupCount: starts.length })
  const views = checkpointViews(index)
  for (let group = 0; group < starts.length; group++) {
    const first = starts[group]!
    views.groupFirst[group] = first
    views.groupLine[group] = lines[first]!
    views.groupOffset[group] = offsets[first]!
    const end = starts[group + 1] ?? lines.length
    for (let i = first; i < end; i++) {
      views.lineDeltas[i] = lines[i]! - lines[first]!
      views.offsetDeltas[i] = offsets[i]! - offsets[first]!
    }
  }
  return index
}

/** The checkpoints that start a group: the first, and each whose line or offset is 2^32 or more past its group's first. */
function groupStarts ({ lines, offsets }: CheckpointTables): number[] {
  const starts: number[] = []
  for (let i = 0; i < lines.length; i++) {
    const base = starts[starts.length - 1]
    if (base === undefined || lines[i]! - lines[base]! >= U32_LIMIT || offsets[i]! - offsets[base]! >= U32_LIMIT) starts.push(i)
  }
  return starts
}

/** One past the last checkpoint of `group`: the next group's first, or the table's end. */
export function checkpointGroupEnd (counts: Pick<LineIndexFacts, 'checkpointCount' | 'checkpointGroupCount'>, views: CheckpointViews, group: number): number {
  return group + 1 < counts.checkpointGroupCount ? views.groupFirst[group + 1]! : counts.checkpointCount
}

export function checkpointViews (index: SharedLineIndex): CheckpointViews {
  const groups = index.checkpointGroupCount
  const count = index.checkpointCount
  const deltasAt = groups * GROUP_BYTES
  return {
    groupFirst: new Float64Array(index.buffer, 0, groups),
    groupLine: new Float64Array(index.buffer, groups * 8, groups),
    groupOffset: new Float64Array(index.buffer, groups * 16, groups),
    lineDeltas: new Uint32Array(index.buffer, deltasAt, count),
    offsetDeltas: new Uint32Array(index.buffer, deltasAt + count * 4, count)
  }
}

/** The checkpoints in plain form: a copy, for tools and tests, never for lookups. */
export function checkpointTables (index: SharedLineIndex): CheckpointTables {
  return unpackCheckpoints(index, checkpointViews(index), 0, index.checkpointCount - 1)
}

/** Checkpoints first..last (inclusive) in plain form. */
function unpackCheckpoints (index: SharedLineIndex, views: CheckpointViews, first: number, last: number): CheckpointTables {
  const count = Math.max(0, last - first + 1)
  const lines = new Float64Array(count)
  const offsets = new Float64Array(count)
  if (count === 0) return { lines, offsets }
  let group = lastAtOrBelow(views.groupFirst, 0, index.checkpointGroupCount - 1, first)
  for (let i = first; i <= last; i++) {
    if (i === checkpointGroupEnd(index, views, group)) group++
    lines[i - first] = views.groupLine[group]! + views.lineDeltas[i]!
    offsets[i - first] = views.groupOffset[group]! + views.offsetDeltas[i]!
  }
  return { lines, offsets }
}

/** The group and the checkpoint in it of the last checkpoint at or before a 0-based line. */
function checkpointAtOrBefore (facts: LineIndexFacts, views: CheckpointViews, lineIndex: number): { group: number, at: number } {
  const group = lastAtOrBelow(views.groupLine, 0, facts.checkpointGroupCount - 1, lineIndex)
  const at = lastAtOrBelow(views.lineDeltas, views.groupFirst[group]!, checkpointGroupEnd(facts, views, group) - 1, lineIndex - views.groupLine[group]!)
  return { group, at }
}

/**
 * Locates a 0-based line. The caller has already checked `lineIndex < lineCount`.
 * Binary search for the group, then for the last checkpoint at or before the line in it.
 */
export function locateLine (facts: LineIndexFacts, views: CheckpointViews, lineIndex: number): LineLocation {
  const { group, at } = checkpointAtOrBefore(facts, views, lineIndex)
  return {
    blockStart: views.groupOffset[group]! + views.offsetDeltas[at]!,
    blockEnd: blockEndAfter(facts, views, group, at),
    linesToSkip: lineIndex - views.groupLine[group]! - views.lineDeltas[at]!
  }
}

/** Where the block of checkpoint `at` (in `group`) ends: the next checkpoint's offset, or the file's end. */
function blockEndAfter (facts: LineIndexFacts, views: CheckpointViews, group: number, at: number): number {
  const next = at + 1
  if (next >= facts.checkpointCount) return facts.dataSizeBytes
  const nextGroup = next < checkpointGroupEnd(facts, views, group) ? group : group + 1
  return views.groupOffset[nextGroup]! + views.offsetDeltas[next]!
}

/**
 * A copy of the index holding only the checkpoints lines [firstLine, lastLine] (0-based,
 * inclusive) need. For a server that serves one shard of a file: memory in proportion to its
 * range, not the file. Its dataSizeBytes becomes the end of its last block.
 */
export function sliceIndex (index: SharedLineIndex, firstLine: number, lastLine: number): SharedLineIndex {
  if (index.checkpointCount === 0) return index
  // Only the slice's checkpoints are unpacked: a shard of a huge file must not copy the whole table.
  const views = checkpointViews(index)
  const first = checkpointAtOrBefore(index, views, firstLine).at
  const last = checkpointAtOrBefore(index, views, lastLine)
  const blockEnd = blockEndAfter(index, views, last.group, last.at)
  return createSharedIndex({ ...index, dataSizeBytes: blockEnd }, unpackCheckpoints(index, views, first, last.at))
}

/** The last position in [lo, hi] of an increasing array whose value is at most `value` (lo if none). */
function lastAtOrBelow (values: Float64Array | Uint32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (values[mid]! <= value) lo = mid
    else hi = mid - 1
  }
  return lo
}
