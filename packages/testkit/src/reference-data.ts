// Reference data for unit tests of the scanner and the reader: named edge-case files, seeded
// random files, and the naive reference (split on \n) every scan and lookup is compared with.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExecutionContext } from 'ava'

export function createTempDir (t: ExecutionContext, prefix = 'line-server-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** The lines of `data` by splitting on \n; a final \n ends the last line rather than starting one. */
export function referenceLines (data: Buffer): Buffer[] {
  const lines: Buffer[] = []
  let start = 0
  for (;;) {
    const newline = data.indexOf(0x0a, start)
    if (newline === -1) break
    lines.push(data.subarray(start, newline))
    start = newline + 1
  }
  if (start < data.length) lines.push(data.subarray(start))
  return lines
}

/** Byte offset of each line's first byte. */
export function referenceLineStarts (data: Buffer): number[] {
  const starts: number[] = []
  let offset = 0
  for (const line of referenceLines(data)) {
    starts.push(offset)
    offset += line.length + 1
  }
  return starts
}

/** The checkpoints the documented rule places over these line starts (one range, from byte 0). */
export function referenceCheckpoints (starts: readonly number[], everyLines: number, everyBytes: number): { lines: number[], offsets: number[] } {
  const lines: number[] = []
  const offsets: number[] = []
  let lastLine = -Infinity
  let lastOffset = -Infinity
  starts.forEach((offset, line) => {
    if (line - lastLine >= everyLines || offset - lastOffset >= everyBytes) {
      lines.push(line)
      offsets.push(offset)
      lastLine = line
      lastOffset = offset
    }
  })
  return { lines, offsets }
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function createRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const PIECES = ['a', 'b', 'z', ' ', '\t', '\r', '\0', 'é', '€', '😀', 'Ω', '\r\n', '\n', '\n\n'].map((s) => Buffer.from(s, 'utf8'))

/**
 * A random file: short lines mostly, empty lines, CRLF, multibyte UTF-8, NULs and now and then
 * a line longer than `longLineBytes`; ends with a newline or not at random.
 */
export function randomData (random: () => number, maxBytes: number, longLineBytes: number): Buffer {
  const parts: Buffer[] = []
  let size = 0
  const target = Math.floor(random() * maxBytes)
  while (size < target) {
    const roll = random()
    let part: Buffer
    if (roll < 0.03) part = Buffer.alloc(longLineBytes + Math.floor(random() * longLineBytes), 'long-')
    else if (roll < 0.25) part = Buffer.from('\n')
    else part = PIECES[Math.floor(random() * PIECES.length)]!
    parts.push(part)
    size += part.length
  }
  if (random() < 0.5) parts.push(Buffer.from('\n'))
  return Buffer.concat(parts)
}

/** Bytes in 2 MiB, the scanner's read size at the time of writing; files cross it on purpose. */
const TWO_MIB = 2 * 1024 * 1024

/** Files with the shapes that break line scanners, by name. */
export function edgeCaseFiles (): Record<string, Buffer> {
  const mib = Buffer.alloc(1024 * 1024, 'm')
  const aroundChunk = Buffer.alloc(TWO_MIB + 10, 'c')
  aroundChunk[TWO_MIB - 2] = 0x0a
  aroundChunk[TWO_MIB - 1] = 0x0a
  aroundChunk[TWO_MIB] = 0x0a
  aroundChunk[TWO_MIB + 5] = 0x0a
  return {
    'empty file': Buffer.alloc(0),
    'single newline': Buffer.from('\n'),
    'only newlines': Buffer.from('\n\n\n\n\n\n\n'),
    'one byte, no newline': Buffer.from('x'),
    'no trailing newline': Buffer.from('alpha\nbeta\n\ngamma'),
    'leading empty line': Buffer.from('\nfirst\nsecond\n'),
    'crlf lines': Buffer.from('one\r\ntwo\r\n\r\nthree\r\n'),
    'lone carriage returns': Buffer.from('a\rb\n\r\n\r\r\n\r'),
    'multibyte utf-8': Buffer.from('héllo wörld\n€100\n😀 emoji\n\nΩμέγα\n日本語のテキスト', 'utf8'),
    'nul bytes': Buffer.from('\0\0\n\0\n\n\0'),
    'line longer than 16 KiB': Buffer.concat([Buffer.from('short\n'), Buffer.alloc(40_000, 'L'), Buffer.from('\nafter\nend\n')]),
    '1 MiB line': Buffer.concat([Buffer.from('before\n'), mib, Buffer.from('\nafter\n'), mib]),
    'newlines around the 2 MiB read boundary': aroundChunk,
    'many short lines': Buffer.from(Array.from({ length: 5000 }, (_, i) => `${i}${i % 7 === 0 ? '' : ' line'}\n`).join(''))
  }
}
