import test, { type ExecutionContext } from 'ava'
import { crc32 } from 'node:zlib'
import { appendFileSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { identifyDataFile, type DataFileIdentity } from '../src/fingerprint.js'
import { INDEX_FORMAT_VERSION, INDEX_HEADER_BYTES, IndexFormatError, type IndexRejection } from '../src/index-format.js'
import { loadIndexFile, writeIndexFile, type IndexContents } from '../src/index-store.js'
import { checkpointTables } from '../src/line-index.js'
import { createTempDir } from './helpers/temp-dir.js'

// Lines: "a" at 0, "bb" at 2, "ccc" at 5, "" at 9, "dddd" at 10 (no final newline); 14 bytes.
const DATA = 'a\nbb\nccc\n\ndddd'

function contents (lines: number[], offsets: number[], lineCount = 5): IndexContents {
  return {
    lineCount,
    checkpointEveryLines: 2,
    checkpointEveryBytes: 1024,
    tables: { lines: Float64Array.from(lines), offsets: Float64Array.from(offsets) }
  }
}

interface Fixture { dir: string, dataPath: string, indexPath: string, identity: DataFileIdentity }

function fixture (t: ExecutionContext, data: string | Buffer = DATA): Fixture {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'data.txt')
  writeFileSync(dataPath, data)
  return { dir, dataPath, indexPath: join(dir, 'data.txt.lidx'), identity: identifyDataFile(dataPath) }
}

function rejectionOf (indexPath: string, identity: DataFileIdentity): IndexRejection | undefined {
  try {
    loadIndexFile(indexPath, identity)
    return undefined
  } catch (err) {
    if (err instanceof IndexFormatError) return err.reason
    throw err
  }
}

function resignHeader (indexPath: string, edit: (buf: Buffer) => void): void {
  const buf = readFileSync(indexPath)
  edit(buf)
  buf.writeUInt32LE(crc32(buf.subarray(0, 124)), 124)
  writeFileSync(indexPath, buf)
}

test('an index written for a data file loads back with the same facts and tables', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2, 4], [0, 5, 10]))
  const { header, index } = loadIndexFile(f.indexPath, f.identity)
  t.is(header.lineCount, 5)
  t.is(header.checkpointCount, 3)
  t.is(header.dataSizeBytes, 14)
  t.is(header.checkpointEveryLines, 2)
  t.is(header.checkpointEveryBytes, 1024)
  t.is(index.lineCount, 5)
  t.is(index.dataSizeBytes, 14)
  t.true(index.buffer instanceof SharedArrayBuffer)
  const tables = checkpointTables(index)
  t.deepEqual([...tables.lines], [0, 2, 4])
  t.deepEqual([...tables.offsets], [0, 5, 10])
  t.is(statSync(f.indexPath).size, INDEX_HEADER_BYTES + 24 + 3 * 8)
})

test('offsets and line numbers past 2^32 survive the round trip exactly', (t) => {
  const f = fixture(t)
  const huge = { ...f.identity, sizeBytes: 2 ** 52 }
  const lines = [0, 2 ** 32 - 1, 2 ** 32, 2 ** 33 + 5, 2 ** 52 - 3]
  const offsets = [0, 2 ** 32, 2 ** 32 + 1, 2 ** 45 + 17, 2 ** 52 - 2]
  writeIndexFile(f.indexPath, huge, contents(lines, offsets, 2 ** 52 - 1))
  const tables = checkpointTables(loadIndexFile(f.indexPath, huge).index)
  t.deepEqual([...tables.lines], lines)
  t.deepEqual([...tables.offsets], offsets)
})

test('an empty data file has an index with no checkpoints', (t) => {
  const f = fixture(t, '')
  writeIndexFile(f.indexPath, f.identity, contents([], [], 0))
  const { header, index } = loadIndexFile(f.indexPath, f.identity)
  t.is(header.lineCount, 0)
  t.is(index.checkpointCount, 0)
  t.is(index.buffer.byteLength, 0)
})

test('a table longer than one conversion chunk loads back in order', (t) => {
  const count = 200_000
  const f = fixture(t, Buffer.alloc(count * 2, 'x\n'))
  const lines = Array.from({ length: count }, (_, i) => i)
  const offsets = Array.from({ length: count }, (_, i) => i * 2)
  writeIndexFile(f.indexPath, f.identity, contents(lines, offsets, count))
  const tables = checkpointTables(loadIndexFile(f.indexPath, f.identity).index)
  t.is(tables.lines.length, count)
  t.is(tables.lines[count - 1], count - 1)
  t.is(tables.offsets[count - 1], (count - 1) * 2)
  t.is(tables.offsets[65_536], 131_072)
})

test('writing leaves the index and no temp file in the directory', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0], [0]))
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  t.deepEqual(readdirSync(f.dir).sort(), ['data.txt', 'data.txt.lidx'])
  t.is(loadIndexFile(f.indexPath, f.identity).header.checkpointCount, 2)
})

test('a write that fails leaves no index and no temp file', (t) => {
  const f = fixture(t)
  const badIdentity = { ...f.identity, fingerprint: Buffer.alloc(31) }
  t.throws(() => { writeIndexFile(f.indexPath, badIdentity, contents([0], [0])) }, { instanceOf: RangeError })
  t.deepEqual(readdirSync(f.dir), ['data.txt'])
})

test('a write that fails keeps the previous index intact', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  const before = readFileSync(f.indexPath)
  t.throws(() => { writeIndexFile(f.indexPath, { ...f.identity, fingerprint: Buffer.alloc(0) }, contents([0], [0])) })
  t.deepEqual(readFileSync(f.indexPath), before)
  t.deepEqual(readdirSync(f.dir).sort(), ['data.txt', 'data.txt.lidx'])
})

test('a write whose rename fails removes its temp file and closes its fd once', async (t) => {
  const f = fixture(t)
  mkdirSync(join(f.indexPath, 'occupied'), { recursive: true })
  // A second close of an fd number that another file may have reused is what the warning means.
  const warnings: string[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning.message) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  t.throws(() => { writeIndexFile(f.indexPath, f.identity, contents([0], [0])) })
  t.deepEqual(readdirSync(f.dir).sort(), ['data.txt', 'data.txt.lidx'])
  t.deepEqual(readdirSync(f.indexPath), ['occupied'])
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.deepEqual(warnings.filter((w) => w.includes('closed but not opened')), [])
})

test('rejects a missing index as missing', (t) => {
  const f = fixture(t)
  t.is(rejectionOf(f.indexPath, f.identity), 'missing')
})

test('rejects an index cut short in its header or its table as truncated', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2, 4], [0, 5, 10]))
  const whole = readFileSync(f.indexPath)
  for (const length of [0, 1, INDEX_HEADER_BYTES - 1, INDEX_HEADER_BYTES, INDEX_HEADER_BYTES + 8, whole.length - 1]) {
    writeFileSync(f.indexPath, whole.subarray(0, length))
    t.is(rejectionOf(f.indexPath, f.identity), 'truncated', `${length} bytes`)
  }
})

test('rejects a file that is not an index as bad magic', (t) => {
  const f = fixture(t)
  writeFileSync(f.indexPath, Buffer.alloc(INDEX_HEADER_BYTES + 16, 'not an index\n'))
  t.is(rejectionOf(f.indexPath, f.identity), 'bad-magic')
})

// Version 1 stored the table as u64s: its indexes are rebuilt, never read as float64s.
test('rejects an index of another format version, the u64 tables of version 1 included', (t) => {
  for (const version of [1, INDEX_FORMAT_VERSION + 1]) {
    const f = fixture(t)
    writeIndexFile(f.indexPath, f.identity, contents([0], [0]))
    resignHeader(f.indexPath, (buf) => { buf.writeUInt32LE(version, 8) })
    t.is(rejectionOf(f.indexPath, f.identity), 'wrong-version', String(version))
  }
})

test('rejects an index whose header bytes changed as a header checksum failure', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  const buf = readFileSync(f.indexPath)
  buf[64] = buf[64]! ^ 0x04
  writeFileSync(f.indexPath, buf)
  t.is(rejectionOf(f.indexPath, f.identity), 'header-checksum')
})

test('rejects an index whose table bytes changed as a body checksum failure', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2, 4], [0, 5, 10]))
  const whole = readFileSync(f.indexPath)
  for (const at of [INDEX_HEADER_BYTES, INDEX_HEADER_BYTES + 9, whole.length - 8]) {
    const buf = Buffer.from(whole)
    buf[at] = buf[at]! ^ 0x01
    writeFileSync(f.indexPath, buf)
    t.is(rejectionOf(f.indexPath, f.identity), 'body-checksum', `byte ${at}`)
  }
})

test('rejects an index built for another version of the data file as stale', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  appendFileSync(f.dataPath, '\neeeee')
  t.is(rejectionOf(f.indexPath, identifyDataFile(f.dataPath)), 'stale')
})

test('rejects as stale a data file rewritten with the same size and mtime', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  const { atime, mtime } = statSync(f.dataPath)
  writeFileSync(f.dataPath, DATA.replace('bb', 'b\n'))
  utimesSync(f.dataPath, atime, mtime)
  const now = identifyDataFile(f.dataPath)
  t.is(now.sizeBytes, f.identity.sizeBytes)
  t.is(rejectionOf(f.indexPath, now), 'stale')
})

test('rejects as stale a data file that only got a new mtime', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  utimesSync(f.dataPath, new Date(), new Date(Date.now() + 60_000))
  t.is(rejectionOf(f.indexPath, identifyDataFile(f.dataPath)), 'stale')
})

for (const [title, lines, offsets, lineCount] of [
  ['checkpoints out of order', [0, 3, 2], [0, 5, 9], 5],
  ['two checkpoints at one offset', [0, 2, 3], [0, 5, 5], 5],
  ['a first checkpoint that is not line 0 at byte 0', [1, 2], [2, 5], 5],
  ['a first checkpoint at another byte', [0, 2], [1, 5], 5],
  ['a last checkpoint past the last line', [0, 2, 5], [0, 5, 10], 5],
  ['a last checkpoint past the end of the file', [0, 2, 4], [0, 5, 14], 5],
  ['checkpoints for a file with no lines', [0], [0], 0],
  ['no checkpoints for a file with lines', [], [], 5]
] as Array<[string, number[], number[], number]>) {
  test(`rejects a table with ${title} as corrupt`, (t) => {
    const f = fixture(t)
    writeIndexFile(f.indexPath, f.identity, contents(lines, offsets, lineCount))
    t.is(rejectionOf(f.indexPath, f.identity), 'corrupt-table')
  })
}

test('rejects an index with bytes after its table as corrupt', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  appendFileSync(f.indexPath, Buffer.alloc(16))
  t.is(rejectionOf(f.indexPath, f.identity), 'corrupt-table')
})

/** Edits an index file's body, then signs body and header again, so only the table's shape is wrong. */
function rewriteBody (indexPath: string, edit: (body: Buffer) => void): void {
  const buf = readFileSync(indexPath)
  edit(buf.subarray(INDEX_HEADER_BYTES))
  buf.writeUInt32LE(crc32(buf.subarray(INDEX_HEADER_BYTES)), 88)
  buf.writeUInt32LE(crc32(buf.subarray(0, 124)), 124)
  writeFileSync(indexPath, buf)
}

// A group's first checkpoint, base line and base offset are float64s (the table's own bytes);
// a whole number is the only kind a lookup can use.
for (const [title, value] of [['a fraction', 2.5], ['NaN', Number.NaN], ['infinity', Number.POSITIVE_INFINITY], ['a value past 2^53', 2 ** 60]] as Array<[string, number]>) {
  test(`rejects a group entry that is ${title} as corrupt, checksums and all`, (t) => {
    for (const at of [0, 8, 16]) {
      const f = fixture(t)
      writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
      rewriteBody(f.indexPath, (body) => { body.writeDoubleLE(value, at) })
      t.is(rejectionOf(f.indexPath, f.identity), 'corrupt-table', `group field at ${at}`)
    }
  })
}

// Two groups: checkpoint 2's line is 2^32 + 10 past group 0's base.
const TWO_GROUPS = { lines: [0, 5, 2 ** 32 + 10, 2 ** 32 + 11], offsets: [0, 7, 2 ** 32 + 20, 2 ** 32 + 30], lineCount: 2 ** 32 + 20 }

function twoGroupFixture (t: ExecutionContext): { f: Fixture, identity: DataFileIdentity } {
  const f = fixture(t)
  const identity = { ...f.identity, sizeBytes: 2 ** 33 }
  writeIndexFile(f.indexPath, identity, contents(TWO_GROUPS.lines, TWO_GROUPS.offsets, TWO_GROUPS.lineCount))
  return { f, identity }
}

test('a table of two groups loads back exactly', (t) => {
  const { f, identity } = twoGroupFixture(t)
  const { header, index } = loadIndexFile(f.indexPath, identity)
  t.is(header.checkpointGroupCount, 2)
  t.deepEqual(checkpointTables(index), { lines: Float64Array.from(TWO_GROUPS.lines), offsets: Float64Array.from(TWO_GROUPS.offsets) })
})

for (const [title, edit] of [
  ['a group whose first line delta is not 0', (body: Buffer) => { body.writeUInt32LE(3, 48 + 2 * 4) }],
  ['a group whose first offset delta is not 0', (body: Buffer) => { body.writeUInt32LE(3, 48 + 4 * 4 + 2 * 4) }],
  ['a second group that starts at checkpoint 0', (body: Buffer) => { body.writeDoubleLE(0, 8) }],
  ['a second group that starts past the table', (body: Buffer) => { body.writeDoubleLE(4, 8) }],
  ['a second group that starts between checkpoints', (body: Buffer) => { body.writeDoubleLE(1.5, 8) }],
  ['a second group whose base is before the first group\'s last checkpoint', (body: Buffer) => { body.writeDoubleLE(4, 16 + 8) }]
] as Array<[string, (body: Buffer) => void]>) {
  test(`rejects a table with ${title} as corrupt`, (t) => {
    const { f, identity } = twoGroupFixture(t)
    rewriteBody(f.indexPath, edit)
    t.is(rejectionOf(f.indexPath, identity), 'corrupt-table')
  })
}

test('stores the table packed as it is held in memory, after the header: a group, then u32 deltas', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2, 7], [0, 5, 9]))
  const file = readFileSync(f.indexPath)
  t.is(file.readUInt32LE(92), 1, 'one group')
  const body = file.subarray(INDEX_HEADER_BYTES)
  t.is(body.length, 24 + 3 * 8)
  t.deepEqual([0, 8, 16].map((at) => body.readDoubleLE(at)), [0, 0, 0], 'group 0 starts at checkpoint 0, line 0, byte 0')
  t.deepEqual([0, 1, 2, 3, 4, 5].map((i) => body.readUInt32LE(24 + 4 * i)), [0, 2, 7, 0, 5, 9])
})

test('rejects a header that promises far more checkpoints than the file holds as truncated', (t) => {
  const f = fixture(t)
  writeIndexFile(f.indexPath, f.identity, contents([0, 2], [0, 5]))
  resignHeader(f.indexPath, (buf) => { buf.writeBigUInt64LE(2n ** 40n, 72) })
  t.is(rejectionOf(f.indexPath, f.identity), 'truncated')
})
