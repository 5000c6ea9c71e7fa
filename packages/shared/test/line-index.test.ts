import test from 'ava'
import { allocateSharedIndex, checkpointTables, locateLine, type LineIndexFacts } from '../src/line-index.js'

function indexOf (lines: number[], offsets: number[], lineCount: number, dataSizeBytes: number): { facts: LineIndexFacts, tables: ReturnType<typeof checkpointTables> } {
  const facts = { dataSizeBytes, lineCount, checkpointCount: lines.length, checkpointEveryLines: 4, checkpointEveryBytes: 100 }
  const index = allocateSharedIndex(facts)
  const tables = checkpointTables(index)
  tables.lines.set(lines)
  tables.offsets.set(offsets)
  return { facts, tables }
}

test('the shared buffer holds the line table followed by the offset table', (t) => {
  const facts = { dataSizeBytes: 50, lineCount: 9, checkpointCount: 3, checkpointEveryLines: 4, checkpointEveryBytes: 100 }
  const index = allocateSharedIndex(facts)
  t.true(index.buffer instanceof SharedArrayBuffer)
  t.is(index.buffer.byteLength, 3 * 16)
  const tables = checkpointTables(index)
  tables.lines.set([0, 4, 8])
  tables.offsets.set([0, 20, 40])
  t.deepEqual([...new Float64Array(index.buffer)], [0, 4, 8, 0, 20, 40])
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
