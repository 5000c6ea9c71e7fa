// Checks a joined checkpoint table against the reference split of the data it indexes.
import type { ExecutionContext } from 'ava'
import { checkpointViews, createSharedIndex, locateLine } from '@line-server/shared'
import type { RangeScan } from '../../src/scan-range.js'
import { referenceCheckpoints, referenceLines, referenceLineStarts } from '@line-server/testkit'

export interface JoinedIndex {
  readonly lineCount: number
  readonly lines: Float64Array
  readonly offsets: Float64Array
}

/** Joins range scans the way build-index does: each range's line numbers shift by the lines before. */
export function joinScans (scans: readonly RangeScan[]): JoinedIndex {
  const lines: number[] = []
  const offsets: number[] = []
  let lineBase = 0
  for (const scan of scans) {
    scan.lines.forEach((line, i) => { lines.push(line + lineBase); offsets.push(scan.offsets[i]!) })
    lineBase += scan.lineStarts
  }
  return { lineCount: lineBase, lines: Float64Array.from(lines), offsets: Float64Array.from(offsets) }
}

/** The checkpoints of ranges cut at `cuts`: the rule applied from each range's first line start. */
export function expectedCheckpoints (data: Buffer, cuts: readonly number[], everyLines: number, everyBytes: number): { lines: number[], offsets: number[] } {
  const starts = referenceLineStarts(data)
  const bounds = [0, ...cuts, data.length]
  const lines: number[] = []
  const offsets: number[] = []
  for (let r = 0; r + 1 < bounds.length; r++) {
    const inRange = starts.map((offset, line) => ({ offset, line })).filter(({ offset }) => offset >= bounds[r]! && offset < bounds[r + 1]!)
    const picked = referenceCheckpoints(inRange.map((s) => s.offset), everyLines, everyBytes)
    for (const i of picked.lines) { lines.push(inRange[i]!.line); offsets.push(inRange[i]!.offset) }
  }
  return { lines, offsets }
}

/**
 * Asserts the index is what the reference says (exactly, when `expected` checkpoints are given)
 * and that every line can be found from its checkpoint within the promised bounds, reading
 * `data` the way a lookup would.
 */
export function assertIndexMatches (t: ExecutionContext, data: Buffer, index: JoinedIndex, expected: { lines: number[], offsets: number[] } | undefined, everyLines: number, everyBytes: number, label: string): void {
  const reference = referenceLines(data)
  const starts = referenceLineStarts(data)
  t.is(index.lineCount, reference.length, `${label}: line count`)
  if (expected !== undefined) {
    t.deepEqual([...index.lines], expected.lines, `${label}: checkpoint lines`)
    t.deepEqual([...index.offsets], expected.offsets, `${label}: checkpoint offsets`)
  }
  t.is(index.lines.length, index.offsets.length)
  if (reference.length > 0) t.deepEqual([index.lines[0], index.offsets[0]], [0, 0], `${label}: first checkpoint`)
  for (let i = 0; i < index.lines.length; i++) {
    const line = index.lines[i]!
    if (starts[line] !== index.offsets[i] || (i > 0 && !(line > index.lines[i - 1]!))) {
      t.fail(`${label}: checkpoint ${i} says line ${line} starts at ${index.offsets[i]}, it starts at ${starts[line]}`)
      break
    }
  }
  // Packed as the server holds it, so the lookup below is the server's own.
  const facts = createSharedIndex({ dataSizeBytes: data.length, lineCount: index.lineCount, checkpointEveryLines: everyLines, checkpointEveryBytes: everyBytes }, index)
  const views = checkpointViews(facts)
  let wrong = 0
  for (let line = 0; line < reference.length; line++) {
    const { blockStart, blockEnd, linesToSkip } = locateLine(facts, views, line)
    let at = blockStart
    for (let skipped = 0; skipped < linesToSkip; skipped++) at = data.indexOf(0x0a, at) + 1
    const newline = data.indexOf(0x0a, at)
    const found = data.subarray(at, newline === -1 || newline >= blockEnd ? Math.min(blockEnd, newline === -1 ? data.length : newline) : newline)
    const ok = at === starts[line] && found.equals(reference[line]!) && linesToSkip < everyLines && at - blockStart < everyBytes && at < blockEnd
    if (!ok && wrong++ < 5) t.fail(`${label}: line ${line} located at ${at} (block ${blockStart}..${blockEnd}, skip ${linesToSkip}), expected ${starts[line]}`)
  }
  if (wrong === 0) t.pass()
}
