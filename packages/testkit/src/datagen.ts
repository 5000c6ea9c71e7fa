// Reproducible data files whose every line can be recomputed from its number alone, so tests
// and benchmarks can check any line of a 10 GB file without keeping the file's text around.
// Line n (1-based) is `<n> ` followed by a filler of 0..(maxFillerBytes-1) printable bytes
// chosen by a hash of (n, seed).
import { closeSync, openSync, writeSync } from 'node:fs'

const FILLER_ALPHABET = Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_')
const FILLER_SOURCE = Buffer.alloc(64 * 1024, 0)
for (let i = 0; i < FILLER_SOURCE.length; i++) FILLER_SOURCE[i] = FILLER_ALPHABET[(i * 7 + (i >>> 6)) % FILLER_ALPHABET.length]!

export interface DataSpec {
  /** Seed of the line-length hash; the same seed gives the same file. */
  readonly seed: number
  /** Filler lengths are uniform in [0, maxFillerBytes); default 200 (lines average ~110 bytes). */
  readonly maxFillerBytes?: number
}

function mix (n: number, seed: number): number {
  let h = (Math.imul(n >>> 0, 0x9e3779b1) ^ Math.imul(Math.floor(n / 4294967296), 0x85ebca77) ^ seed) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

/** The exact bytes of line n (1-based) of the file `spec` generates, without its newline. */
export function expectedLine (n: number, spec: DataSpec): Buffer {
  const out = Buffer.allocUnsafe(lineLength(n, spec))
  writeLine(out, 0, n, spec)
  return out
}

function lineLength (n: number, spec: DataSpec): number {
  const h = mix(n, spec.seed)
  return String(n).length + 1 + (h % (spec.maxFillerBytes ?? 200))
}

function writeLine (buf: Buffer, at: number, n: number, spec: DataSpec): number {
  const h = mix(n, spec.seed)
  const filler = h % (spec.maxFillerBytes ?? 200)
  let pos = at + buf.write(String(n), at, 'latin1')
  buf[pos++] = 0x20
  const start = (h >>> 8) % (FILLER_SOURCE.length - filler)
  FILLER_SOURCE.copy(buf, pos, start, start + filler)
  return pos + filler
}

export interface GeneratedFile {
  readonly lines: number
  readonly bytes: number
}

/**
 * Writes whole lines (each ending in \n) until the file reaches at least `sizeBytes`.
 * About 1 GB/s; the bytes go through the page cache like any written file.
 */
export function generateDataFile (path: string, sizeBytes: number, spec: DataSpec): GeneratedFile {
  const fd = openSync(path, 'w')
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024)
  const maxLine = 32 + (spec.maxFillerBytes ?? 200)
  let written = 0
  let n = 0
  try {
    while (written < sizeBytes) {
      let used = 0
      while (used + maxLine < chunk.length && written + used < sizeBytes) {
        n++
        used = writeLine(chunk, used, n, spec)
        chunk[used++] = 0x0a
      }
      let done = 0
      while (done < used) done += writeSync(fd, chunk, done, used - done)
      written += used
    }
  } finally {
    closeSync(fd)
  }
  return { lines: n, bytes: written }
}
