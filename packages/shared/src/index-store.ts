// Reading and writing index files. Writes go to a temp file that is fsynced and renamed, so a
// crash leaves either the old index or the new one, never half of one. Loads check everything
// the header promises before a single lookup can use the table.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { endianness } from 'node:os'
import { randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import {
  INDEX_HEADER_BYTES, IndexFormatError, bodyBytes, decodeHeader, encodeHeader, type IndexHeader
} from './index-format.js'
import { allocateSharedIndex, checkpointTables, type CheckpointTables, type SharedLineIndex } from './line-index.js'
import { sameIdentity, type DataFileIdentity } from './fingerprint.js'

// Tables are converted between u64 (disk) and float64 (memory) this many entries at a time.
const CONVERT_CHUNK_ENTRIES = 64 * 1024
const TWO_POW_32 = 2 ** 32

if (endianness() !== 'LE') throw new Error('line-server index files assume a little-endian host')

export interface IndexContents {
  readonly lineCount: number
  readonly checkpointEveryLines: number
  readonly checkpointEveryBytes: number
  readonly tables: CheckpointTables
}

/** Writes an index for `data` atomically: temp file, fsync, rename, fsync of the directory. */
export function writeIndexFile (indexPath: string, data: DataFileIdentity, contents: IndexContents): void {
  const tempPath = `${indexPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  const checkpointCount = contents.tables.lines.length
  let fd: number | undefined = openSync(tempPath, 'wx', 0o644)
  try {
    // Body first, header last: the header's checksum covers the body's checksum.
    let position = INDEX_HEADER_BYTES
    let bodyCrc = 0
    for (const table of [contents.tables.lines, contents.tables.offsets]) {
      for (let start = 0; start < checkpointCount; start += CONVERT_CHUNK_ENTRIES) {
        const chunk = encodeU64Chunk(table, start, Math.min(checkpointCount, start + CONVERT_CHUNK_ENTRIES))
        bodyCrc = crc32(chunk, bodyCrc)
        writeFully(fd, chunk, position)
        position += chunk.length
      }
    }
    const header = encodeHeader({
      dataSizeBytes: data.sizeBytes,
      dataMtimeNs: data.mtimeNs,
      dataFingerprint: data.fingerprint,
      lineCount: contents.lineCount,
      checkpointCount,
      checkpointEveryLines: contents.checkpointEveryLines,
      checkpointEveryBytes: contents.checkpointEveryBytes,
      bodyCrc32: bodyCrc
    })
    writeFully(fd, header, 0)
    fsyncSync(fd)
    closeSync(fd)
    // Closed: closing the number again after a failed rename could close another file's fd.
    fd = undefined
    renameSync(tempPath, indexPath)
  } catch (err) {
    if (fd !== undefined) try { closeSync(fd) } catch {}
    rmSync(tempPath, { force: true })
    throw err
  }
  syncDirectory(dirname(indexPath))
}

/**
 * Loads an index into a SharedArrayBuffer after checking it belongs to `data` and is intact.
 * Throws IndexFormatError with the reason when it cannot be used.
 */
export function loadIndexFile (indexPath: string, data: DataFileIdentity): { header: IndexHeader, index: SharedLineIndex } {
  let fd: number
  try {
    fd = openSync(indexPath, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexFormatError('missing', `no index at ${indexPath}`)
    throw err
  }
  try {
    const header = decodeHeader(readFully(fd, 0, INDEX_HEADER_BYTES))
    if (!sameIdentity(data, { sizeBytes: header.dataSizeBytes, mtimeNs: header.dataMtimeNs, fingerprint: header.dataFingerprint })) {
      throw new IndexFormatError('stale', 'the index was built for a different version of the data file')
    }
    // Before allocating what the header asks for: a damaged count must not become a huge allocation.
    const fileBytes = fstatSync(fd).size
    const expectedBytes = INDEX_HEADER_BYTES + bodyBytes(header.checkpointCount)
    if (fileBytes < expectedBytes) throw new IndexFormatError('truncated', 'the index file ends before its table does')
    if (fileBytes > expectedBytes) throw new IndexFormatError('corrupt-table', 'the index file has bytes after its table')
    const index = allocateSharedIndex(header)
    const tables = checkpointTables(index)
    let position = INDEX_HEADER_BYTES
    let bodyCrc = 0
    for (const table of [tables.lines, tables.offsets]) {
      for (let start = 0; start < header.checkpointCount; start += CONVERT_CHUNK_ENTRIES) {
        const end = Math.min(header.checkpointCount, start + CONVERT_CHUNK_ENTRIES)
        const chunk = readFully(fd, position, (end - start) * 8)
        if (chunk.length !== (end - start) * 8) throw new IndexFormatError('truncated', 'the index file ends before its table does')
        bodyCrc = crc32(chunk, bodyCrc)
        decodeU64Chunk(chunk, table, start)
        position += chunk.length
      }
    }
    if (bodyCrc !== header.bodyCrc32) throw new IndexFormatError('body-checksum', 'index body checksum mismatch')
    checkTableShape(header, tables)
    return { header, index }
  } finally {
    closeSync(fd)
  }
}

/** A checksum can match a table a buggy writer produced; these invariants every lookup relies on. */
function checkTableShape (header: IndexHeader, { lines, offsets }: CheckpointTables): void {
  const fail = (why: string): never => { throw new IndexFormatError('corrupt-table', why) }
  if (header.lineCount === 0) {
    if (header.checkpointCount !== 0) fail('an empty file must have no checkpoints')
    return
  }
  if (header.checkpointCount === 0 || lines[0] !== 0 || offsets[0] !== 0) fail('the first checkpoint must be line 0 at byte 0')
  for (let i = 1; i < header.checkpointCount; i++) {
    if (!(lines[i]! > lines[i - 1]! && offsets[i]! > offsets[i - 1]!)) fail(`checkpoint ${i} is not after checkpoint ${i - 1}`)
  }
  const last = header.checkpointCount - 1
  if (lines[last]! >= header.lineCount || offsets[last]! >= header.dataSizeBytes) fail('the last checkpoint is past the end of the file')
}

function encodeU64Chunk (table: Float64Array, start: number, end: number): Buffer {
  const words = new Uint32Array((end - start) * 2)
  for (let i = start, w = 0; i < end; i++, w += 2) {
    const value = table[i]!
    const high = Math.floor(value / TWO_POW_32)
    words[w] = value - high * TWO_POW_32
    words[w + 1] = high
  }
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength)
}

function decodeU64Chunk (chunk: Buffer, table: Float64Array, start: number): void {
  // chunk comes from allocUnsafe and may sit at any offset: copy once to get aligned words.
  const words = new Uint32Array(chunk.length / 4)
  new Uint8Array(words.buffer).set(chunk)
  for (let w = 0, i = start; w < words.length; w += 2, i++) {
    const high = words[w + 1]!
    if (high >= 0x200000) throw new IndexFormatError('corrupt-table', 'an index entry is beyond 2^53')
    table[i] = high * TWO_POW_32 + words[w]!
  }
}

function readFully (fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done)
    if (n === 0) break
    done += n
  }
  return buf.subarray(0, done)
}

function writeFully (fd: number, buf: Buffer, position: number): void {
  let done = 0
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done)
}

function syncDirectory (dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
