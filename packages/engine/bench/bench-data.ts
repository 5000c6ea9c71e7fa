// A data file for engine benchmarks: lines of 20 to 200 bytes, written in 4 MiB chunks.
import { closeSync, openSync, writeSync } from 'node:fs'

export function generateBenchFile (path: string, sizeBytes: number): number {
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(4 * 1024 * 1024, 0x61)
  let lines = 0
  try {
    for (let written = 0; written < sizeBytes; written += chunk.length) {
      for (let at = 20 + (lines % 180); at < chunk.length; at += 20 + (lines % 180) + 1) {
        chunk[at] = 0x0a
        lines++
      }
      writeSync(fd, chunk)
      chunk.fill(0x61)
    }
  } finally {
    closeSync(fd)
  }
  return lines
}
