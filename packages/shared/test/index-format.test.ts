import test from 'ava'
import { crc32 } from 'node:zlib'
import {
  INDEX_FORMAT_VERSION, INDEX_HEADER_BYTES, INDEX_MAGIC, IndexFormatError, bodyBytes, decodeHeader, encodeHeader,
  type IndexHeader, type IndexRejection
} from '../src/index-format.js'

const header: Omit<IndexHeader, 'formatVersion'> = {
  dataSizeBytes: 2 ** 32 + 12345,
  dataMtimeNs: 1_700_000_000_123_456_789n,
  dataFingerprint: Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 5) & 0xff)),
  lineCount: 2 ** 40 + 7,
  checkpointCount: 3_000_001,
  checkpointGroupCount: 257,
  checkpointEveryLines: 64,
  checkpointEveryBytes: 16 * 1024,
  bodyCrc32: 0xdeadbeef
}

/** Re-signs a header after an edit, so only the edited field can be what a decoder rejects. */
function resign (buf: Buffer): Buffer {
  buf.writeUInt32LE(crc32(buf.subarray(0, 124)), 124)
  return buf
}

function rejectionOf (buf: Buffer): IndexRejection | undefined {
  try {
    decodeHeader(buf)
    return undefined
  } catch (err) {
    if (err instanceof IndexFormatError) return err.reason
    throw err
  }
}

test('a header decodes to exactly what was encoded', (t) => {
  const buf = encodeHeader(header)
  t.is(buf.length, INDEX_HEADER_BYTES)
  t.deepEqual(decodeHeader(buf), { ...header, formatVersion: INDEX_FORMAT_VERSION })
})

test('a header keeps the largest exact sizes and a zero-line file', (t) => {
  const big = { ...header, dataSizeBytes: Number.MAX_SAFE_INTEGER, lineCount: Number.MAX_SAFE_INTEGER, dataMtimeNs: 2n ** 64n - 1n }
  t.deepEqual(decodeHeader(encodeHeader(big)), { ...big, formatVersion: INDEX_FORMAT_VERSION })
  const empty = { ...header, dataSizeBytes: 0, lineCount: 0, checkpointCount: 0, bodyCrc32: 0 }
  t.deepEqual(decodeHeader(encodeHeader(empty)), { ...empty, formatVersion: INDEX_FORMAT_VERSION })
})

test('the header starts with the magic, version and header size, holds the group count at 92, and reserved bytes are zero', (t) => {
  const buf = encodeHeader(header)
  t.deepEqual(buf.subarray(0, 8), INDEX_MAGIC)
  t.is(buf.readUInt32LE(8), INDEX_FORMAT_VERSION)
  t.is(buf.readUInt32LE(12), INDEX_HEADER_BYTES)
  t.is(buf.readUInt32LE(92), 257)
  t.true(buf.subarray(96, 124).every((b) => b === 0))
})

test('decoding copies the fingerprint out of the buffer it was given', (t) => {
  const buf = encodeHeader(header)
  const decoded = decodeHeader(buf)
  buf.fill(0, 32, 64)
  t.deepEqual(decoded.dataFingerprint, header.dataFingerprint)
})

test('encoding refuses a fingerprint that is not 32 bytes', (t) => {
  t.throws(() => encodeHeader({ ...header, dataFingerprint: Buffer.alloc(31) }), { instanceOf: RangeError })
  t.throws(() => encodeHeader({ ...header, dataFingerprint: Buffer.alloc(33) }), { instanceOf: RangeError })
})

test('rejects a header shorter than 128 bytes as truncated', (t) => {
  const buf = encodeHeader(header)
  t.is(rejectionOf(buf.subarray(0, INDEX_HEADER_BYTES - 1)), 'truncated')
  t.is(rejectionOf(Buffer.alloc(0)), 'truncated')
})

test('rejects a file that does not start with the magic', (t) => {
  const buf = encodeHeader(header)
  buf[0] = 0x4d
  t.is(rejectionOf(resign(buf)), 'bad-magic')
  t.is(rejectionOf(Buffer.alloc(INDEX_HEADER_BYTES)), 'bad-magic')
})

test('rejects another format version even with a valid checksum', (t) => {
  for (const version of [0, INDEX_FORMAT_VERSION + 1, 0xffffffff]) {
    const buf = encodeHeader(header)
    buf.writeUInt32LE(version, 8)
    t.is(rejectionOf(resign(buf)), 'wrong-version', String(version))
  }
})

test('rejects a header whose checksum does not match any single changed byte', (t) => {
  for (const at of [12, 16, 24, 40, 64, 72, 80, 84, 88, 100, 124, 127]) {
    const buf = encodeHeader(header)
    buf[at] = buf[at]! ^ 0x01
    t.is(rejectionOf(buf), 'header-checksum', `byte ${at}`)
  }
})

test('rejects counts beyond 2^53 as a corrupt table', (t) => {
  for (const at of [16, 64, 72]) {
    const buf = encodeHeader(header)
    buf.writeBigUInt64LE(2n ** 53n, at)
    t.is(rejectionOf(resign(buf)), 'corrupt-table', `field at ${at}`)
  }
})

test('the body holds 8 bytes per checkpoint and 24 per group', (t) => {
  t.is(bodyBytes({ checkpointCount: 0, checkpointGroupCount: 0 }), 0)
  t.is(bodyBytes({ checkpointCount: 1, checkpointGroupCount: 1 }), 32)
  t.is(bodyBytes({ checkpointCount: 1000, checkpointGroupCount: 3 }), 8072)
})
