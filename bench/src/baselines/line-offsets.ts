// Dense line-start offsets of a file, built at start by scanning it in chunks: the simple
// in-memory index a baseline server would use (8 bytes per line, fine for a baseline).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

export interface LineOffsets {
  /** offsets[i] is the byte where line i+1 starts; offsets[lines] is the end of the last line + 1. */
  readonly offsets: Float64Array
  readonly lines: number
}

const CHUNK_BYTES = 16 * 1024 * 1024

export function scanLineOffsets (path: string): LineOffsets {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    let offsets: Float64Array = new Float64Array(Math.max(1024, Math.ceil(size / 64)))
    let lines = 0
    offsets[0] = 0
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES)
    for (let position = 0; position < size;) {
      const got = readSync(fd, chunk, 0, Math.min(CHUNK_BYTES, size - position), position)
      if (got === 0) break
      for (let at = chunk.indexOf(10, 0); at !== -1 && at < got; at = chunk.indexOf(10, at + 1)) {
        if (lines + 2 > offsets.length) offsets = grow(offsets)
        offsets[++lines] = position + at + 1
      }
      position += got
    }
    // A last line without a final newline still counts; its "newline" is the end of the file.
    if (offsets[lines]! < size) {
      if (lines + 2 > offsets.length) offsets = grow(offsets)
      offsets[++lines] = size + 1
    }
    return { offsets: offsets.subarray(0, lines + 1), lines }
  } finally {
    closeSync(fd)
  }
}

function grow (offsets: Float64Array): Float64Array {
  const bigger = new Float64Array(offsets.length * 2)
  bigger.set(offsets)
  return bigger
}
