import { readdirSync, readFileSync } from 'node:fs'
import test, { type ExecutionContext } from 'ava'
import type { Piscina } from 'piscina'
import { createTempDir, referenceLines } from '@line-server/testkit'
import { createLookupPool, WORKER_YOUNG_GENERATION_MB } from '../src/pool.js'
import type { LookupBatchResult } from '../src/line-reader.js'
import { indexData, type IndexedFile } from './helpers/indexed-file.js'

// 300 lines of 64 KiB to 200 KiB: one batch of all of them returns 40 MB, twenty times the
// workers' young generation.
const LONG_LINES = Buffer.from(Array.from({ length: 300 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(65536 + i * 457)).join('\n'))

/** A pool of two workers on an indexed file, closed when the test ends. */
function twoWorkerPool (t: ExecutionContext, file: IndexedFile, niceIncrement: number): Piscina {
  const pool = createLookupPool({
    dataPath: file.dataPath,
    index: file.index,
    expectedData: { sizeBytes: file.identity.sizeBytes, mtimeNs: file.identity.mtimeNs },
    threads: 2,
    niceIncrement,
    maxQueuedBatches: 16
  })
  t.teardown(async () => { await pool.close({ force: true }) })
  return pool
}

test('workers run with the small young generation and still return batches far larger than it', async (t) => {
  const file = await indexData(createTempDir(t), 'long', LONG_LINES, 64, 1024 * 1024)
  const pool = twoWorkerPool(t, file, 0)
  const reference = referenceLines(LONG_LINES)
  const all = Float64Array.from(reference.keys())
  const results = await Promise.all([1, 2, 3, 4].map(async () => await pool.run(all) as LookupBatchResult))
  for (const result of results) {
    let at = 0
    let wrong = 0
    result.lengths.forEach((length, i) => {
      if (!Buffer.from(result.bytes.buffer, result.bytes.byteOffset + at, length).equals(reference[i]!)) wrong++
      at += length
    })
    t.is(wrong, 0)
    t.is(at, result.bytes.length)
  }
  t.true(pool.threads.length >= 1)
  for (const worker of pool.threads) t.is(worker.resourceLimits?.maxYoungGenerationSizeMb, WORKER_YOUNG_GENERATION_MB)
})

/** Each thread of this process with its nice value (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues (): Map<number, number> {
  const values = new Map<number, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    // The thread's name, in parentheses, may hold spaces; the fields after it do not.
    values.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]))
  }
  return values
}

const onLinux = process.platform === 'linux' ? test : test.skip

onLinux('each worker thread lowers its own priority by the nice increment, and only its own', async (t) => {
  const file = await indexData(createTempDir(t), 'short', Buffer.from('a\nbb\nccc\n'), 64, 1024 * 1024)
  const before = threadNiceValues()
  const pool = twoWorkerPool(t, file, 7)
  // Two batches at once, so both workers have started (a worker sets its priority before its first task).
  const results = await Promise.all([pool.run(Float64Array.of(0, 2)), pool.run(Float64Array.of(1))]) as LookupBatchResult[]
  t.deepEqual(results.map((result) => Buffer.from(result.bytes).toString()), ['accc', 'bb'])
  const after = threadNiceValues()
  const newThreads = [...after].filter(([tid]) => !before.has(tid))
  const base = after.get(process.pid)!
  t.is(newThreads.filter(([, nice]) => nice === base + 7).length, pool.threads.length)
  // The caller's threads, the event loop's first, keep their priority.
  t.is(after.get(process.pid), before.get(process.pid))
  for (const [tid, nice] of before) if (after.has(tid)) t.is(after.get(tid), nice, `thread ${tid}`)
})
