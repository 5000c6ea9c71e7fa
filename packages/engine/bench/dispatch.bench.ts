// What one Piscina dispatch costs against one read, and what batching buys. Prints a table of
// µs per line (medians of 5 rounds) and the ratio to a direct read in this process.
// Usage: node packages/engine/dist/bench/dispatch.bench.js [--size 256M] [--lines 20000]
import { mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { identifyDataFile } from '@line-server/shared'
import { ensureIndex } from '@line-server/indexer'
import { LineEngine } from '../src/line-engine.js'
import { LineReader } from '../src/line-reader.js'
import { generateBenchFile } from './bench-data.js'

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? '']))
const sizeBytes = Number((args.get('--size') ?? '256').replace(/M$/i, '')) * 1024 * 1024
const lookups = Number(args.get('--lines') ?? '20000')
const ROUNDS = 5

const dir = mkdtempSync(join(tmpdir(), 'dispatch-bench-'))
try {
  const dataPath = join(dir, 'data.txt')
  const lineCount = generateBenchFile(dataPath, sizeBytes)
  const { index, header } = await ensureIndex({ dataPath })
  const expectedData = { sizeBytes: header.dataSizeBytes, mtimeNs: identifyDataFile(dataPath).mtimeNs }
  const randomLines = Float64Array.from({ length: lookups }, () => Math.floor(Math.random() * lineCount))

  const reader = new LineReader(openSync(dataPath, 'r'), index, expectedData)
  const direct = median(ROUNDS, () => timeUs(() => { for (const line of randomLines) reader.readLine(line) }) / lookups)

  const rows: Array<[string, number]> = [['direct LineReader.readLine in this thread', direct]]
  for (const batchMaxLines of [1, 8, 64, 256]) {
    const engine = new LineEngine({ dataPath, index, expectedData, threads: 1, maxBatchLines: batchMaxLines, eagerBatchLines: batchMaxLines, maxPendingLookups: lookups + 1 })
    await Promise.all(Array.from(randomLines.subarray(0, 1000), async (l) => await engine.readLine(l))) // warm-up
    const perLine: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const started = process.hrtime.bigint()
      // All lookups issued in one turn, as a burst of concurrent requests would be.
      await Promise.all(Array.from(randomLines, async (l) => await engine.readLine(l)))
      perLine.push(Number(process.hrtime.bigint() - started) / 1000 / lookups)
    }
    rows.push([`LineEngine, batches of up to ${batchMaxLines} line(s)`, sorted(perLine)[ROUNDS >> 1]!])
    await engine.close()
  }
  process.stdout.write(`engine dispatch vs read: ${lookups} random lines of a ${(sizeBytes / 2 ** 20).toFixed(0)} MiB file (page cache warm), median of ${ROUNDS}\n`)
  process.stdout.write(`${'variant'.padEnd(48)} ${'µs/line'.padStart(9)} ${'× direct'.padStart(9)}\n`)
  for (const [name, us] of rows) process.stdout.write(`${name.padEnd(48)} ${us.toFixed(2).padStart(9)} ${(us / direct).toFixed(1).padStart(9)}\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

function timeUs (fn: () => void): number {
  const started = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - started) / 1000
}

function median (rounds: number, fn: () => number): number {
  return sorted(Array.from({ length: rounds }, fn))[rounds >> 1]!
}

function sorted (values: number[]): number[] {
  return [...values].sort((a, b) => a - b)
}
