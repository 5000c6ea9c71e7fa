// The WebAssembly checkpoint scanner against the indexOf-per-line scan it replaced, on files
// of short, medium and long lines, one thread, page cache warm. Prints GB/s (median of 5) and
// the ratio. Usage: node packages/indexer/dist/bench/scan.bench.js [--mib 256]
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scanRange } from '../src/scan-range.js'

const mib = Number(process.argv[process.argv.indexOf('--mib') + 1] ?? '256') || 256
const ROUNDS = 5
const EVERY_LINES = 64
const EVERY_BYTES = 16 * 1024

// The scan scan-range.ts used before the WebAssembly one: a Buffer.indexOf call per line.
function indexOfScan (fd: number, size: number): number {
  const buf = Buffer.allocUnsafe(2 * 1024 * 1024)
  let lineStarts = size > 0 ? 1 : 0
  let lastLine = 0
  let lastOffset = 0
  let checkpoints = 1
  for (let chunkStart = 0; chunkStart < size;) {
    const length = readSync(fd, buf, 0, Math.min(buf.length, size - chunkStart), chunkStart)
    const lastStartable = size - 1 - chunkStart
    for (let i = buf.indexOf(10, 0); i !== -1 && i < length; i = buf.indexOf(10, i + 1)) {
      if (i >= lastStartable) continue
      const offset = chunkStart + i + 1
      if (lineStarts - lastLine >= EVERY_LINES || offset - lastOffset >= EVERY_BYTES) {
        checkpoints++
        lastLine = lineStarts
        lastOffset = offset
      }
      lineStarts++
    }
    chunkStart += length
  }
  return lineStarts + checkpoints * 0
}

function writeFile (path: string, lineBytes: number, totalBytes: number): void {
  const fd = openSync(path, 'w')
  const line = Buffer.alloc(lineBytes, 0x61)
  line[lineBytes - 1] = 0x0a
  const chunk = Buffer.alloc(Math.floor(4 * 1024 * 1024 / lineBytes) * lineBytes)
  for (let at = 0; at < chunk.length; at += lineBytes) line.copy(chunk, at)
  for (let written = 0; written < totalBytes; written += chunk.length) writeSync(fd, chunk)
  closeSync(fd)
}

function gbPerSecond (fn: () => number, bytes: number): { gbs: number, lines: number } {
  let lines = 0
  const times = Array.from({ length: ROUNDS }, () => {
    const started = process.hrtime.bigint()
    lines = fn()
    return Number(process.hrtime.bigint() - started) / 1e9
  }).sort((a, b) => a - b)
  return { gbs: bytes / 1e9 / times[ROUNDS >> 1]!, lines }
}

const dir = mkdtempSync(join(tmpdir(), 'scan-bench-'))
try {
  process.stdout.write(`scan GB/s, one thread, ${mib} MiB per file, page cache warm, median of ${ROUNDS}\n`)
  process.stdout.write(`${'line bytes'.padStart(10)} ${'indexOf'.padStart(9)} ${'wasm'.padStart(9)} ${'ratio'.padStart(7)}\n`)
  for (const lineBytes of [8, 32, 110, 1000]) {
    const path = join(dir, `lines-${lineBytes}.txt`)
    writeFile(path, lineBytes, mib * 1024 * 1024)
    const fd = openSync(path, 'r')
    const size = Math.floor(mib * 1024 * 1024 / (Math.floor(4 * 1024 * 1024 / lineBytes) * lineBytes)) * Math.floor(4 * 1024 * 1024 / lineBytes) * lineBytes
    const request = { rangeStart: 0, rangeEnd: size, dataSizeBytes: size, checkpointEveryLines: EVERY_LINES, checkpointEveryBytes: EVERY_BYTES }
    const old = gbPerSecond(() => indexOfScan(fd, size), size)
    const wasm = gbPerSecond(() => scanRange(fd, request).lineStarts, size)
    if (old.lines !== wasm.lines) throw new Error(`line counts differ: ${old.lines} vs ${wasm.lines}`)
    process.stdout.write(`${String(lineBytes).padStart(10)} ${old.gbs.toFixed(2).padStart(9)} ${wasm.gbs.toFixed(2).padStart(9)} ${(wasm.gbs / old.gbs).toFixed(1).padStart(6)}×\n`)
    closeSync(fd)
    rmSync(path)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
