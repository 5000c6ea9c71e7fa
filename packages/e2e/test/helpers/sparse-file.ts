// Sparse data files: runs of zero bytes that cost no disk (ftruncate leaves holes) between
// small written pieces of text, so tests can put lines past 2 GiB and 4 GiB cheaply.
import { closeSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs'

export type SparsePiece = { readonly text: Buffer } | { readonly zeros: number }

/** One line of the file: its bytes when written text, or only its length when it holds a zero run. */
export type SparseLine = { readonly bytes: Buffer } | { readonly hugeBytes: number }

/** Writes the pieces back to back; zero runs are left as holes. Returns the file size. */
export function writeSparseFile (path: string, pieces: readonly SparsePiece[]): number {
  const size = pieces.reduce((sum, p) => sum + ('text' in p ? p.text.length : p.zeros), 0)
  const fd = openSync(path, 'w')
  try {
    ftruncateSync(fd, size)
    let offset = 0
    for (const piece of pieces) {
      if ('text' in piece) {
        for (let done = 0; done < piece.text.length;) done += writeSync(fd, piece.text, done, piece.text.length - done, offset + done)
        offset += piece.text.length
      } else {
        offset += piece.zeros
      }
    }
  } finally {
    closeSync(fd)
  }
  return size
}

/** Bytes the file really occupies on disk (holes excluded). */
export function allocatedBytes (path: string): number {
  return statSync(path).blocks * 512
}

/** Lines up to this size are returned with their bytes (zero runs included); longer ones by length only. */
const MATERIALIZE_MAX_BYTES = 1024 * 1024

/** The lines the pieces make, split at \n; a final line without \n counts, a final \n ends the last. */
export function sparseLines (pieces: readonly SparsePiece[]): SparseLine[] {
  const lines: SparseLine[] = []
  let parts: Array<Buffer | number> = []
  let length = 0
  let pending = false
  const endLine = (): void => {
    lines.push(length > MATERIALIZE_MAX_BYTES
      ? { hugeBytes: length }
      : { bytes: Buffer.concat(parts.map((part) => typeof part === 'number' ? Buffer.alloc(part) : part)) })
    parts = []
    length = 0
    pending = false
  }
  const add = (part: Buffer | number): void => {
    parts.push(part)
    length += typeof part === 'number' ? part : part.length
    pending = true
  }
  for (const piece of pieces) {
    if ('zeros' in piece) {
      if (piece.zeros > 0) add(piece.zeros)
      continue
    }
    let start = 0
    for (let nl = piece.text.indexOf(0x0a); nl !== -1; nl = piece.text.indexOf(0x0a, start)) {
      add(piece.text.subarray(start, nl))
      endLine()
      start = nl + 1
    }
    if (start < piece.text.length) add(piece.text.subarray(start))
  }
  if (pending) endLine()
  return lines
}
