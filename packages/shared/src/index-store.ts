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
import { allocateSharedIndex, checkpointGroupEnd, checkpointViews, createSharedIndex, type CheckpointTables, type CheckpointViews, type SharedLineIndex } from './line-index.js'
import { sameIdentity, type DataFileIdentity } from './fingerprint.js'

// The body moves between disk and the table this many bytes per syscall.
const IO_CHUNK_BYTES = 8 * 1024 * 1024

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
  const packed = createSharedIndex({
    dataSizeBytes: data.sizeBytes,
    lineCount: contents.lineCount,
    checkpointEveryLines: contents.checkpointEveryLines,
    checkpointEveryBytes: contents.checkpointEveryBytes
  }, contents.tables)
  let fd: number | undefined = openSync(tempPath, 'wx', 0o644)
  try {
    // Body first, header last: the header's checksum covers the body's checksum.
    let bodyCrc = 0
    let position = INDEX_HEADER_BYTES
    const body = Buffer.from(packed.buffer)
    for (let start = 0; start < body.length; start += IO_CHUNK_BYTES) {
      const chunk = body.subarray(start, start + IO_CHUNK_BYTES)
      bodyCrc = crc32(chunk, bodyCrc)
      writeFully(fd, chunk, position)
      position += chunk.length
    }
    const header = encodeHeader({
      dataSizeBytes: data.sizeBytes,
      dataMtimeNs: data.mtimeNs,
      dataFingerprint: data.fingerprint,
      lineCount: contents.lineCount,
      checkpointCount: packed.checkpointCount,
      checkpointGroupCount: packed.checkpointGroupCount,
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
    const head = Buffer.alloc(INDEX_HEADER_BYTES)
    const header = decodeHeader(head.subarray(0, readFully(fd, 0, head)))
    if (!sameIdentity(data, { sizeBytes: header.dataSizeBytes, mtimeNs: header.dataMtimeNs, fingerprint: header.dataFingerprint })) {
      throw new IndexFormatError('stale', 'the index was built for a different version of the data file')
    }
    // Before allocating what the header asks for: a damaged count must not become a huge allocation.
    const fileBytes = fstatSync(fd).size
    const expectedBytes = INDEX_HEADER_BYTES + bodyBytes(header)
    if (fileBytes < expectedBytes) throw new IndexFormatError('truncated', 'the index file ends before its table does')
    if (fileBytes > expectedBytes) throw new IndexFormatError('corrupt-table', 'the index file has bytes after its table')
    const index = allocateSharedIndex(header)
    // The body is the table's own bytes: read straight into the shared buffer.
    const body = Buffer.from(index.buffer)
    let bodyCrc = 0
    for (let start = 0; start < body.length; start += IO_CHUNK_BYTES) {
      const chunk = body.subarray(start, start + IO_CHUNK_BYTES)
      if (readFully(fd, INDEX_HEADER_BYTES + start, chunk) !== chunk.length) throw new IndexFormatError('truncated', 'the index file ends before its table does')
      bodyCrc = crc32(chunk, bodyCrc)
    }
    if (bodyCrc !== header.bodyCrc32) throw new IndexFormatError('body-checksum', 'index body checksum mismatch')
    checkTableShape(header, checkpointViews(index))
    return { header, index }
  } finally {
    closeSync(fd)
  }
}

/** A checksum can match a table a buggy writer produced; these invariants every lookup relies on. */
function checkTableShape (header: IndexHeader, views: CheckpointViews): void {
  const fail = (why: string): never => { throw new IndexFormatError('corrupt-table', why) }
  const { checkpointCount, checkpointGroupCount } = header
  if (header.lineCount === 0) {
    if (checkpointCount !== 0 || checkpointGroupCount !== 0) fail('an empty file must have no checkpoints')
    return
  }
  if (checkpointCount === 0 || checkpointGroupCount === 0) fail('a file with lines must have a checkpoint')
  if (views.groupFirst[0] !== 0) fail('the first group must start at the first checkpoint')
  let previousLine = -1
  let previousOffset = -1
  for (let group = 0; group < checkpointGroupCount; group++) {
    const first = views.groupFirst[group]!
    const end = checkpointGroupEnd(header, views, group)
    // Whole and increasing, so every loop below stays inside the table (NaN fails every comparison).
    if (!(Number.isInteger(first) && first < end && end <= checkpointCount)) fail(`checkpoint group ${group} has no checkpoints or runs past the table`)
    if (views.lineDeltas[first] !== 0 || views.offsetDeltas[first] !== 0) fail(`checkpoint group ${group} does not start at its base`)
    const baseLine = views.groupLine[group]!
    const baseOffset = views.groupOffset[group]!
    if (!Number.isInteger(baseLine) || !Number.isInteger(baseOffset)) fail(`checkpoint group ${group} has a base that is not a whole number`)
    for (let i = first; i < end; i++) {
      const line = baseLine + views.lineDeltas[i]!
      const offset = baseOffset + views.offsetDeltas[i]!
      if (!(line > previousLine && offset > previousOffset)) fail(`checkpoint ${i} is not after checkpoint ${i - 1}`)
      previousLine = line
      previousOffset = offset
    }
  }
  if (views.groupLine[0] !== 0 || views.groupOffset[0] !== 0) fail('the first checkpoint must be line 0 at byte 0')
  if (previousLine >= header.lineCount || previousOffset >= header.dataSizeBytes) fail('the last checkpoint is past the end of the file')
}

/** Fills `target` from `position` on; returns the bytes read, fewer only at end of file. */
function readFully (fd: number, position: number, target: Buffer): number {
  let done = 0
  while (done < target.length) {
    const n = readSync(fd, target, done, target.length - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
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
