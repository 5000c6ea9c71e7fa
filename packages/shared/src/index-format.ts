// The on-disk layout of a line index: a fixed 128-byte header, then the checkpoint table.
// Owns encoding and decoding only; file I/O lives in index-store.ts.
//
// Layout (little-endian):
//   0  magic "LSRVIDX\n"         8 bytes
//   8  formatVersion             u32
//  12  headerBytes (128)         u32
//  16  dataSizeBytes             u64
//  24  dataMtimeNs               u64
//  32  dataFingerprint           32 bytes (SHA-256 of the first and last 64 KiB)
//  64  lineCount                 u64
//  72  checkpointCount           u64
//  80  checkpointEveryLines      u32
//  84  checkpointEveryBytes      u32
//  88  bodyCrc32                 u32 (CRC-32 of the whole body)
//  92  checkpointGroupCount      u32
//  96  reserved, zero            28 bytes
// 124  headerCrc32               u32 (CRC-32 of bytes 0..123)
// 128  body: the in-memory table byte for byte (see SharedLineIndex in line-index.ts), so a
//      load is one read into the SharedArrayBuffer: per group three float64s (first
//      checkpoint, base line, base offset), then per checkpoint a u32 line delta and a u32
//      offset delta. Version 2 stored two float64s per checkpoint, twice the memory; version 1
//      stored u64s, and converting them took 30 ms of every restart at 10 GiB
//
// Checkpoint i says "line L starts at byte O". Checkpoint 0 is (0, 0). A new
// checkpoint starts at the first line start after `checkpointEveryLines` lines or
// `checkpointEveryBytes` bytes since the previous one, so every line start in a block lies
// within `checkpointEveryBytes` of the block's start: a lookup reads at most that much to find
// its line, plus the line itself when it runs past.
import { crc32 } from 'node:zlib'
import { sharedIndexBytes } from './line-index.js'

export const INDEX_MAGIC = Buffer.from('LSRVIDX\n', 'latin1')
export const INDEX_FORMAT_VERSION = 3
export const INDEX_HEADER_BYTES = 128
export const FINGERPRINT_BYTES = 32

export interface IndexHeader {
  readonly formatVersion: number
  readonly dataSizeBytes: number
  readonly dataMtimeNs: bigint
  readonly dataFingerprint: Buffer
  readonly lineCount: number
  readonly checkpointCount: number
  readonly checkpointGroupCount: number
  readonly checkpointEveryLines: number
  readonly checkpointEveryBytes: number
  readonly bodyCrc32: number
}

/** Why an index file cannot be used; the store rebuilds on any of these. */
export type IndexRejection =
  | 'missing' | 'truncated' | 'bad-magic' | 'wrong-version' | 'header-checksum'
  | 'body-checksum' | 'stale' | 'corrupt-table'

export class IndexFormatError extends Error {
  readonly reason: IndexRejection
  constructor (reason: IndexRejection, message: string) {
    super(message)
    this.name = 'IndexFormatError'
    this.reason = reason
  }
}

export function encodeHeader (header: Omit<IndexHeader, 'formatVersion'>): Buffer {
  const buf = Buffer.alloc(INDEX_HEADER_BYTES)
  INDEX_MAGIC.copy(buf, 0)
  buf.writeUInt32LE(INDEX_FORMAT_VERSION, 8)
  buf.writeUInt32LE(INDEX_HEADER_BYTES, 12)
  buf.writeBigUInt64LE(BigInt(header.dataSizeBytes), 16)
  buf.writeBigUInt64LE(header.dataMtimeNs, 24)
  if (header.dataFingerprint.length !== FINGERPRINT_BYTES) throw new RangeError('fingerprint must be 32 bytes')
  header.dataFingerprint.copy(buf, 32)
  buf.writeBigUInt64LE(BigInt(header.lineCount), 64)
  buf.writeBigUInt64LE(BigInt(header.checkpointCount), 72)
  buf.writeUInt32LE(header.checkpointEveryLines, 80)
  buf.writeUInt32LE(header.checkpointEveryBytes, 84)
  buf.writeUInt32LE(header.bodyCrc32, 88)
  buf.writeUInt32LE(header.checkpointGroupCount, 92)
  buf.writeUInt32LE(crc32(buf.subarray(0, 124)), 124)
  return buf
}

export function decodeHeader (buf: Buffer): IndexHeader {
  if (buf.length < INDEX_HEADER_BYTES) throw new IndexFormatError('truncated', `index header is ${buf.length} bytes, expected ${INDEX_HEADER_BYTES}`)
  if (!buf.subarray(0, 8).equals(INDEX_MAGIC)) throw new IndexFormatError('bad-magic', 'not a line index (bad magic)')
  const formatVersion = buf.readUInt32LE(8)
  if (formatVersion !== INDEX_FORMAT_VERSION) throw new IndexFormatError('wrong-version', `index format version ${formatVersion}, expected ${INDEX_FORMAT_VERSION}`)
  if (buf.readUInt32LE(124) !== crc32(buf.subarray(0, 124))) throw new IndexFormatError('header-checksum', 'index header checksum mismatch')
  return {
    formatVersion,
    dataSizeBytes: readSafeU64(buf, 16, 'data size'),
    dataMtimeNs: buf.readBigUInt64LE(24),
    dataFingerprint: Buffer.from(buf.subarray(32, 64)),
    lineCount: readSafeU64(buf, 64, 'line count'),
    checkpointCount: readSafeU64(buf, 72, 'checkpoint count'),
    checkpointGroupCount: buf.readUInt32LE(92),
    checkpointEveryLines: buf.readUInt32LE(80),
    checkpointEveryBytes: buf.readUInt32LE(84),
    bodyCrc32: buf.readUInt32LE(88)
  }
}

/** Body size in bytes for the header's checkpoint and group counts. */
export function bodyBytes (header: Pick<IndexHeader, 'checkpointCount' | 'checkpointGroupCount'>): number {
  return sharedIndexBytes(header.checkpointCount, header.checkpointGroupCount)
}

// Numbers up to 2^53 are exact in a double, which covers any file a disk can hold (8 PiB).
function readSafeU64 (buf: Buffer, offset: number, what: string): number {
  const value = buf.readBigUInt64LE(offset)
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new IndexFormatError('corrupt-table', `index ${what} ${value} is out of range`)
  return Number(value)
}
