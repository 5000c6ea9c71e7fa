// Keeps the checkpoint table within a memory budget whatever the line length: 100 GB of
// 2-byte lines at one checkpoint per 64 lines would need 12 GB. Before scanning, a sample of
// the file sets the line spacing; after scanning, thinning enforces the budget if the sample
// misjudged. Neither ever lets a block's line starts lie further than checkpointEveryBytes
// from its start, so the bytes a lookup reads stay bounded.
import { readSync } from 'node:fs'
import { CHECKPOINT_BYTES, type CheckpointTables } from '@line-server/shared'

const SAMPLES = 32
const SAMPLE_BYTES = 64 * 1024

/** The smallest power-of-two multiple of `requested` lines whose estimated table fits `budgetBytes`. */
export function chooseCheckpointLines (fd: number, sizeBytes: number, requested: number, checkpointEveryBytes: number, budgetBytes: number): number {
  const estimatedLines = estimateLineCount(fd, sizeBytes)
  let everyLines = requested
  while (estimatedCheckpoints(estimatedLines, sizeBytes, everyLines, checkpointEveryBytes) * CHECKPOINT_BYTES > budgetBytes && everyLines < 2 ** 30) everyLines *= 2
  return everyLines
}

function estimatedCheckpoints (lines: number, sizeBytes: number, everyLines: number, everyBytes: number): number {
  return lines / everyLines + sizeBytes / everyBytes
}

function estimateLineCount (fd: number, sizeBytes: number): number {
  if (sizeBytes <= SAMPLES * SAMPLE_BYTES) return sizeBytes
  const buf = Buffer.allocUnsafe(SAMPLE_BYTES)
  let newlines = 0
  let sampled = 0
  for (let i = 0; i < SAMPLES; i++) {
    const position = Math.floor((sizeBytes - SAMPLE_BYTES) * i / (SAMPLES - 1))
    const n = readSync(fd, buf, 0, SAMPLE_BYTES, position)
    for (let at = buf.indexOf(0x0a, 0); at !== -1 && at < n; at = buf.indexOf(0x0a, at + 1)) newlines++
    sampled += n
  }
  return Math.ceil(sizeBytes * (newlines + 1) / Math.max(1, sampled))
}

/**
 * Drops checkpoints, doubling the line spacing each pass, until at most `maxCheckpoints`
 * remain. A checkpoint is dropped only when the merged block still ends within
 * `checkpointEveryBytes` of its start. Returns the tables and the spacing reached.
 */
export function thinCheckpoints (
  tables: CheckpointTables, dataSizeBytes: number, everyLines: number, checkpointEveryBytes: number, maxCheckpoints: number
): { tables: CheckpointTables, everyLines: number } {
  let current = tables
  let spacing = everyLines
  while (current.lines.length > maxCheckpoints && spacing < 2 ** 30) {
    spacing *= 2
    const { lines, offsets } = current
    const keptLines = new Float64Array(lines.length)
    const keptOffsets = new Float64Array(lines.length)
    let kept = 0
    for (let i = 0; i < lines.length; i++) {
      const nextOffset = i + 1 < lines.length ? offsets[i + 1]! : dataSizeBytes
      const mustKeep = kept === 0 || lines[i]! - keptLines[kept - 1]! >= spacing || nextOffset - keptOffsets[kept - 1]! > checkpointEveryBytes
      if (!mustKeep) continue
      keptLines[kept] = lines[i]!
      keptOffsets[kept] = offsets[i]!
      kept++
    }
    if (kept === lines.length) break
    current = { lines: keptLines.slice(0, kept), offsets: keptOffsets.slice(0, kept) }
  }
  return { tables: current, everyLines: spacing }
}
