import test from 'ava'
import { checkpointTables, checkpointViews, createSharedIndex, locateLine, sliceIndex, type CheckpointViews, type SharedLineIndex } from '../src/line-index.js'

function indexOf (lines: number[], offsets: number[], lineCount: number, dataSizeBytes: number): { facts: SharedLineIndex, tables: CheckpointViews } {
  const facts = sharedIndex(lines, offsets, lineCount, dataSizeBytes)
  return { facts, tables: checkpointViews(facts) }
}

function sharedIndex (lines: number[], offsets: number[], lineCount: number, dataSizeBytes: number): SharedLineIndex {
  return createSharedIndex({ dataSizeBytes, lineCount, checkpointEveryLines: 4, checkpointEveryBytes: 100 }, { lines: Float64Array.from(lines), offsets: Float64Array.from(offsets) })
}

test('the shared buffer holds the group table, then u32 line deltas, then u32 offset deltas', (t) => {
  const index = sharedIndex([0, 4, 8], [0, 20, 40], 9, 50)
  t.true(index.buffer instanceof SharedArrayBuffer)
  t.is(index.checkpointCount, 3)
  t.is(index.checkpointGroupCount, 1)
  t.is(index.buffer.byteLength, 24 + 3 * 8)
  t.deepEqual([...new Float64Array(index.buffer, 0, 3)], [0, 0, 0])
  t.deepEqual([...new Uint32Array(index.buffer, 24)], [0, 4, 8, 0, 20, 40])
  t.deepEqual(checkpointTables(index), { lines: Float64Array.from([0, 4, 8]), offsets: Float64Array.from([0, 20, 40]) })
})

test('a new group starts where a line or offset delta would pass 2^32, and every checkpoint unpacks as it was', (t) => {
  const G = 2 ** 32
  const lines = [0, 10, G - 1, G + 9, G + 20, 3 * G, 3 * G + 1, 2 ** 52]
  const offsets = [0, G - 1, G, G + 1, 2 * G + 5, 2 * G + 6, 9 * G, 2 ** 53 - 2]
  const index = sharedIndex(lines, offsets, 2 ** 52 + 5, 2 ** 53 - 1)
  const views = checkpointViews(index)
  // Checkpoint 2's offset is 2^32 past group 0's base, checkpoint 4's is 2^32 + 5 past group 1's,
  // and each later one is 2^32 or more lines or bytes past the one before.
  t.deepEqual([...views.groupFirst], [0, 2, 4, 5, 6, 7])
  t.is(index.buffer.byteLength, 6 * 24 + lines.length * 8)
  t.deepEqual([...checkpointTables(index).lines], lines)
  t.deepEqual([...checkpointTables(index).offsets], offsets)
  t.deepEqual(locateLine(index, views, G + 15), { blockStart: G + 1, blockEnd: 2 * G + 5, linesToSkip: 6 })
  t.deepEqual(locateLine(index, views, 3 * G), { blockStart: 2 * G + 6, blockEnd: 9 * G, linesToSkip: 0 })
  t.deepEqual(locateLine(index, views, 2 ** 52 + 4), { blockStart: 2 ** 53 - 2, blockEnd: 2 ** 53 - 1, linesToSkip: 4 })
})

test('a single checkpoint covers the whole file', (t) => {
  const { facts, tables } = indexOf([0], [0], 3, 30)
  t.deepEqual(locateLine(facts, tables, 0), { blockStart: 0, blockEnd: 30, linesToSkip: 0 })
  t.deepEqual(locateLine(facts, tables, 2), { blockStart: 0, blockEnd: 30, linesToSkip: 2 })
})

test('a line at a checkpoint skips nothing and its block ends at the next checkpoint', (t) => {
  const { facts, tables } = indexOf([0, 4, 8], [0, 20, 40], 10, 50)
  t.deepEqual(locateLine(facts, tables, 4), { blockStart: 20, blockEnd: 40, linesToSkip: 0 })
  t.deepEqual(locateLine(facts, tables, 3), { blockStart: 0, blockEnd: 20, linesToSkip: 3 })
  t.deepEqual(locateLine(facts, tables, 9), { blockStart: 40, blockEnd: 50, linesToSkip: 1 })
})

test('finds the same block as a linear search, for every line of random tables', (t) => {
  let seed = 12345
  const random = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32 }
  for (let round = 0; round < 50; round++) {
    const count = 1 + Math.floor(random() * 40)
    const lines = [0]
    const offsets = [0]
    for (let i = 1; i < count; i++) {
      lines.push(lines[i - 1]! + 1 + Math.floor(random() * 5))
      offsets.push(offsets[i - 1]! + 1 + Math.floor(random() * 2 ** 34))
    }
    const lineCount = lines[count - 1]! + 1 + Math.floor(random() * 5)
    const size = offsets[count - 1]! + 1 + Math.floor(random() * 1000)
    const { facts, tables } = indexOf(lines, offsets, lineCount, size)
    for (let line = 0; line < lineCount; line++) {
      let block = 0
      while (block + 1 < count && lines[block + 1]! <= line) block++
      const expected = { blockStart: offsets[block]!, blockEnd: block + 1 < count ? offsets[block + 1]! : size, linesToSkip: line - lines[block]! }
      t.deepEqual(locateLine(facts, tables, line), expected)
    }
  }
})

test('a slice locates every line of its range exactly like the whole index', (t) => {
  const lines = [0, 4, 8, 12, 16]
  const offsets = [0, 40, 80, 120, 160]
  const whole = sharedIndex(lines, offsets, 20, 200)
  for (let first = 0; first < 20; first++) {
    for (let last = first; last < 20; last++) {
      const slice = sliceIndex(whole, first, last)
      t.true(slice.checkpointCount <= Math.floor(last / 4) - Math.floor(first / 4) + 1)
      for (let line = first; line <= last; line++) {
        t.deepEqual(locateLine(slice, checkpointViews(slice), line), locateLine(whole, checkpointViews(whole), line), `slice ${first}-${last}, line ${line}`)
      }
    }
  }
})

test('a slice has its own buffer and leaves the whole index untouched', (t) => {
  const whole = sharedIndex([0, 4, 8], [0, 40, 80], 12, 120)
  const slice = sliceIndex(whole, 5, 6)
  t.not(slice.buffer, whole.buffer)
  t.is(slice.checkpointCount, 1)
  t.deepEqual([...checkpointTables(slice).offsets], [40])
  t.is(slice.dataSizeBytes, 80)
  t.deepEqual([...checkpointTables(whole).offsets], [0, 40, 80])
})

test('slicing an index with no checkpoints gives it back', (t) => {
  const empty = sharedIndex([], [], 0, 0)
  t.is(sliceIndex(empty, 0, 0), empty)
})
