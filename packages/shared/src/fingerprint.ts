// Identity of a data file as an index records it: size, mtime and a hash of its first and
// last 64 KiB. Cheap enough to check at every start-up, strong enough to catch replacement.
import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

export const FINGERPRINT_SPAN_BYTES = 64 * 1024

export interface DataFileIdentity {
  readonly sizeBytes: number
  readonly mtimeNs: bigint
  readonly fingerprint: Buffer
}

export function identifyDataFile (path: string): DataFileIdentity {
  const fd = openSync(path, 'r')
  try {
    return identifyOpenDataFile(fd)
  } finally {
    closeSync(fd)
  }
}

export function identifyOpenDataFile (fd: number): DataFileIdentity {
  const stat = fstatSync(fd, { bigint: true })
  const sizeBytes = Number(stat.size)
  return { sizeBytes, mtimeNs: stat.mtimeNs, fingerprint: fingerprintOpenFile(fd, sizeBytes) }
}

export function fingerprintOpenFile (fd: number, sizeBytes: number): Buffer {
  const hash = createHash('sha256')
  hash.update(`${sizeBytes}:`)
  const headBytes = Math.min(FINGERPRINT_SPAN_BYTES, sizeBytes)
  hash.update(readExactly(fd, 0, headBytes))
  const tailStart = Math.max(headBytes, sizeBytes - FINGERPRINT_SPAN_BYTES)
  hash.update(readExactly(fd, tailStart, sizeBytes - tailStart))
  return hash.digest()
}

export function sameIdentity (a: DataFileIdentity, b: DataFileIdentity): boolean {
  return a.sizeBytes === b.sizeBytes && a.mtimeNs === b.mtimeNs && a.fingerprint.equals(b.fingerprint)
}

function readExactly (fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done)
    if (n === 0) break
    done += n
  }
  return buf.subarray(0, done)
}
