// The edge-case data file: every kind of line the contract names (empty, CRLF, lone CR,
// multibyte and invalid UTF-8, NUL, lines around and far past the 16 KiB checkpoint spacing,
// a 1 MiB line, a final line without newline), each with the exact bytes a GET must return.
import { createRandom } from '@line-server/testkit'

export interface EdgeLine {
  readonly label: string
  readonly bytes: Buffer
}

const CHECKPOINT_BYTES = 16 * 1024

/** `length` pseudo-random bytes that are never \n (so they stay one line); \r and non-UTF-8 included. */
export function lineFiller (length: number, seed: number): Buffer {
  const random = createRandom(seed)
  const out = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) {
    const byte = Math.floor(random() * 256)
    out[i] = byte === 0x0a ? 0x0b : byte
  }
  return out
}

function text (label: string, value: string): EdgeLine {
  return { label, bytes: Buffer.from(value, 'utf8') }
}

function bytes (label: string, value: readonly number[] | Buffer): EdgeLine {
  return { label, bytes: Buffer.from(value) }
}

/** The lines in file order; the last one is written without a trailing newline. */
export function edgeCaseLines (seed = 42): EdgeLine[] {
  const random = createRandom(seed)
  const lines: EdgeLine[] = [
    text('plain ASCII', 'hello, line server'),
    text('empty line', ''),
    text('first of three consecutive empty lines', ''),
    text('second of three consecutive empty lines', ''),
    text('third of three consecutive empty lines', ''),
    text('CRLF line (the \\r belongs to the line)', 'windows line\r'),
    text('lone \\r', '\r'),
    text('two \\r', '\r\r'),
    text('\\r inside a line', 'before\rafter'),
    text('accents', 'café naïve résumé Ångström Øresund'),
    text('CJK', '日本語のテキスト、中文字符、한국어 문장'),
    text('emoji incl. ZWJ sequences and a flag', '😀 👩‍👩‍👧‍👦 🏳️‍🌈 🇫🇷'),
    text('byte order mark', '\ufeffstarts with a BOM'),
    bytes('invalid UTF-8 (stray continuation, truncated and overlong sequences, surrogate)', [0xff, 0xfe, 0x80, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x90, 0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x41]),
    bytes('NUL bytes inside', Buffer.from('a\0b\0\0c', 'latin1')),
    bytes('a single NUL', [0]),
    text('tab and control characters', '\t\x01\x1b[31mred\x1b[0m\x7f'),
    text('empty line before a long one', ''),
    { label: '1 MiB line', bytes: lineFiller(1024 * 1024, seed + 1) },
    text('empty line after a long one', ''),
    { label: '16 KiB - 1 bytes', bytes: lineFiller(CHECKPOINT_BYTES - 1, seed + 2) },
    { label: 'exactly 16 KiB', bytes: lineFiller(CHECKPOINT_BYTES, seed + 3) },
    { label: '16 KiB + 1 bytes', bytes: lineFiller(CHECKPOINT_BYTES + 1, seed + 4) },
    text('short line between long ones', 'x'),
    { label: '32 KiB + 7 bytes', bytes: lineFiller(2 * CHECKPOINT_BYTES + 7, seed + 5) },
    { label: '100 KiB', bytes: lineFiller(100 * 1024, seed + 6) }
  ]
  // A mix of short and near-checkpoint lengths, so block boundaries land before, inside and
  // right after long lines, and more than 64 lines (the line checkpoint spacing) go by.
  for (let i = 0; i < 400; i++) {
    const r = random()
    const length = r < 0.25
      ? 0
      : r < 0.8
        ? Math.floor(random() * 120)
        : r < 0.95
          ? CHECKPOINT_BYTES - 3 + Math.floor(random() * 7)
          : Math.floor(random() * 3 * CHECKPOINT_BYTES)
    lines.push({ label: `mixed line ${i} (${length} bytes)`, bytes: lineFiller(length, seed * 1000 + i) })
  }
  lines.push(text('CRLF line just before the end', 'almost done\r'))
  lines.push(text('final line without a trailing newline', 'the end, no newline'))
  return lines
}

/** The file's bytes: lines joined by \n, no newline after the last. */
export function joinLines (lines: readonly EdgeLine[]): Buffer {
  const parts: Buffer[] = []
  lines.forEach((line, i) => {
    parts.push(line.bytes)
    if (i < lines.length - 1) parts.push(Buffer.from('\n'))
  })
  return Buffer.concat(parts)
}
