import test, { type ExecutionContext } from 'ava'
import { crc32 } from 'node:zlib'
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { INDEX_FORMAT_VERSION, INDEX_HEADER_BYTES, checkpointTables } from '@line-server/shared'
import { ensureIndex } from '../src/ensure-index.js'
import { createTempDir } from '@line-server/testkit'

const OPTIONS = { checkpointEveryLines: 2, checkpointEveryBytes: 1024 }

function dataFile (t: ExecutionContext, text = 'one\ntwo\nthree\nfour\nfive\n'): { dir: string, dataPath: string, indexPath: string } {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'data.txt')
  writeFileSync(dataPath, text)
  return { dir, dataPath, indexPath: `${dataPath}.lidx` }
}

function editIndex (indexPath: string, edit: (buf: Buffer) => void, resign: boolean): void {
  const buf = readFileSync(indexPath)
  edit(buf)
  if (resign) buf.writeUInt32LE(crc32(buf.subarray(0, 124)), 124)
  writeFileSync(indexPath, buf)
}

test('builds the index beside the data file when there is none, and says why', async (t) => {
  const { dataPath, indexPath, dir } = dataFile(t)
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.indexPath, indexPath)
  t.is(ensured.locationNote, undefined)
  t.is(ensured.rebuiltBecause, 'missing')
  t.not(ensured.build, undefined)
  t.is(ensured.header.lineCount, 5)
  t.is(ensured.index.lineCount, 5)
  t.deepEqual([...checkpointTables(ensured.index).offsets], [0, 8, 19])
  t.deepEqual(readdirSync(dir).sort(), ['data.txt', 'data.txt.lidx'])
})

test('loads an up-to-date index without rebuilding it', async (t) => {
  const { dataPath, indexPath } = dataFile(t)
  await ensureIndex({ dataPath, ...OPTIONS })
  const before = statSync(indexPath, { bigint: true })
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.build, undefined)
  t.is(ensured.rebuiltBecause, undefined)
  t.is(ensured.header.lineCount, 5)
  t.true(ensured.loadSeconds >= 0)
  const after = statSync(indexPath, { bigint: true })
  t.is(after.mtimeNs, before.mtimeNs)
  t.is(after.ino, before.ino)
})

test('rebuilds the index when the data file changes', async (t) => {
  const { dataPath } = dataFile(t)
  await ensureIndex({ dataPath, ...OPTIONS })
  appendFileSync(dataPath, 'six\nseven')
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.rebuiltBecause, 'stale')
  t.is(ensured.header.lineCount, 7)
  t.is(ensured.header.dataSizeBytes, statSync(dataPath).size)
})

test('rebuilds when the data file is replaced by one of the same size and mtime', async (t) => {
  const { dataPath } = dataFile(t, 'aaaa\nbbbb\n')
  await ensureIndex({ dataPath, ...OPTIONS })
  const { atime, mtime } = statSync(dataPath)
  writeFileSync(dataPath, 'a\na\na\na\na\n')
  utimesSync(dataPath, atime, mtime)
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.rebuiltBecause, 'stale')
  t.is(ensured.header.lineCount, 5)
})

test('rebuilds a truncated index', async (t) => {
  const { dataPath, indexPath } = dataFile(t)
  await ensureIndex({ dataPath, ...OPTIONS })
  truncateSync(indexPath, INDEX_HEADER_BYTES + 20)
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.rebuiltBecause, 'truncated')
  t.is(ensured.header.lineCount, 5)
  t.is(statSync(indexPath).size, INDEX_HEADER_BYTES + 3 * 16)
})

test('rebuilds an index whose table is corrupt', async (t) => {
  const { dataPath, indexPath } = dataFile(t)
  await ensureIndex({ dataPath, ...OPTIONS })
  editIndex(indexPath, (buf) => { buf[INDEX_HEADER_BYTES + 3] = 0x7f }, false)
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.rebuiltBecause, 'body-checksum')
  t.deepEqual([...checkpointTables(ensured.index).lines], [0, 2, 4])
})

test('rebuilds an index with a damaged header', async (t) => {
  const { dataPath, indexPath } = dataFile(t)
  await ensureIndex({ dataPath, ...OPTIONS })
  editIndex(indexPath, (buf) => { buf[70] = 0x01 }, false)
  t.is((await ensureIndex({ dataPath, ...OPTIONS })).rebuiltBecause, 'header-checksum')
})

test('rebuilds an index of another format version', async (t) => {
  const { dataPath, indexPath } = dataFile(t)
  await ensureIndex({ dataPath, ...OPTIONS })
  editIndex(indexPath, (buf) => { buf.writeUInt32LE(99, 8) }, true)
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.rebuiltBecause, 'wrong-version')
  t.is(ensured.header.formatVersion, INDEX_FORMAT_VERSION)
})

test('rebuilds over a file that is not an index', async (t) => {
  const { dataPath, indexPath } = dataFile(t)
  writeFileSync(indexPath, 'hello, I am not an index\n')
  t.is((await ensureIndex({ dataPath, ...OPTIONS })).rebuiltBecause, 'truncated')
  writeFileSync(indexPath, Buffer.alloc(4096, 'junk'))
  t.is((await ensureIndex({ dataPath, ...OPTIONS })).rebuiltBecause, 'bad-magic')
})

test('rebuilds an index whose checksums match a table that cannot be right', async (t) => {
  const { dataPath, indexPath } = dataFile(t)
  await ensureIndex({ dataPath, ...OPTIONS })
  editIndex(indexPath, (buf) => {
    // Swap the first two line numbers, then re-sign body and header.
    buf.writeDoubleLE(2, INDEX_HEADER_BYTES)
    buf.writeDoubleLE(0, INDEX_HEADER_BYTES + 8)
    buf.writeUInt32LE(crc32(buf.subarray(INDEX_HEADER_BYTES)), 88)
  }, true)
  t.is((await ensureIndex({ dataPath, ...OPTIONS })).rebuiltBecause, 'corrupt-table')
})

test('indexes an empty data file', async (t) => {
  const { dataPath } = dataFile(t, '')
  const ensured = await ensureIndex({ dataPath, ...OPTIONS })
  t.is(ensured.header.lineCount, 0)
  t.is(ensured.index.checkpointCount, 0)
  t.is((await ensureIndex({ dataPath, ...OPTIONS })).rebuiltBecause, undefined)
})

test('keeps the index in the index directory when one is given, one file per data file', async (t) => {
  const { dir, dataPath } = dataFile(t)
  const otherDir = join(dir, 'other')
  mkdirSync(otherDir)
  const otherData = join(otherDir, 'data.txt')
  writeFileSync(otherData, 'x\n')
  const indexDir = join(dir, 'indexes', 'nested')
  const first = await ensureIndex({ dataPath, indexDir, ...OPTIONS })
  const second = await ensureIndex({ dataPath: otherData, indexDir, ...OPTIONS })
  t.true(first.indexPath.startsWith(indexDir))
  t.not(first.locationNote, undefined)
  t.not(first.indexPath, second.indexPath, 'same name, different directories, different indexes')
  t.is(readdirSync(indexDir).length, 2)
  t.is((await ensureIndex({ dataPath, indexDir, ...OPTIONS })).rebuiltBecause, undefined)
  t.is(second.header.lineCount, 1)
})
