import test, { type ExecutionContext } from 'ava'
import { appendFileSync, closeSync, ftruncateSync, openSync, rmSync } from 'node:fs'
import type { LineServerError } from '@line-server/shared'
import { LineEngine, type LineEngineOptions } from '../src/line-engine.js'
import { createRandom, createTempDir, randomData, referenceLines } from '@line-server/testkit'
import { indexData, type IndexedFile } from './helpers/indexed-file.js'

const DATA = Buffer.from(Array.from({ length: 3000 }, (_, i) => `line ${i + 1}${i % 10 === 0 ? '\r' : ''}${i % 17 === 0 ? ' é€😀' : ''}`).join('\n') + '\n')
const REFERENCE = referenceLines(DATA)

function startEngine (t: ExecutionContext, file: IndexedFile, options: Partial<LineEngineOptions> = {}): LineEngine {
  const engine = new LineEngine({
    dataPath: file.dataPath,
    index: file.index,
    threads: 1,
    expectedData: { sizeBytes: file.identity.sizeBytes, mtimeNs: file.identity.mtimeNs },
    ...options
  })
  t.teardown(async () => { await engine.close() })
  return engine
}

/** A replacement worker may need longer to start than a lookup may take on a loaded machine. */
async function readWithRetries (engine: LineEngine, lineIndex: number): Promise<Buffer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.readLine(lineIndex)
    } catch (err) {
      if (attempt === 5 || (err as { code?: unknown }).code !== 'ERR_TIMEOUT') throw err
    }
  }
}

async function codeOf (promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
    return 'resolved'
  } catch (err) {
    return (err as { code?: unknown }).code
  }
}

test('many concurrent lookups each get their own line', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA, 16, 512)
  const engine = startEngine(t, file, { threads: 2, maxBatchLines: 64 })
  const random = createRandom(5)
  const wanted = Array.from({ length: 2000 }, () => Math.floor(random() * REFERENCE.length))
  const lines = await Promise.all(wanted.map(async (i) => await engine.readLine(i)))
  let wrong = 0
  lines.forEach((line, k) => { if (!line.equals(REFERENCE[wanted[k]!]!)) wrong++ })
  t.is(wrong, 0)
  t.true(lines.every((line) => Buffer.isBuffer(line)), 'Buffers, which koa sends as bytes')
  t.is(engine.pendingLookups, 0)
})

test('reads every line of a random file with tiny blocks', async (t) => {
  const data = randomData(createRandom(77), 20_000, 20)
  const reference = referenceLines(data)
  const file = await indexData(createTempDir(t), 'random', data, 2, 3)
  const engine = startEngine(t, file, { threads: 2 })
  const lines = await Promise.all(reference.map(async (_, i) => await engine.readLine(i)))
  t.is(lines.filter((line, i) => !line.equals(reference[i]!)).length, 0)
})

test('lookups asked for in one turn go to the workers as few batches', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file, { maxBatchLines: 256, eagerBatchLines: 100_000 })
  const lookups = Array.from({ length: 1000 }, async (_, i) => await engine.readLine(i))
  t.is(engine.pendingLookups, 1000)
  t.is(engine.stats.batches, 0, 'nothing is sent before the turn ends')
  const lines = await Promise.all(lookups)
  t.is(engine.stats.batches, 4)
  t.is(engine.stats.batchedLines, 1000)
  t.true(lines.every((line, i) => line.equals(REFERENCE[i]!)))
})

test('an idle worker gets the first eagerBatchLines lookups of a turn at once, the rest go at its end', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file, { threads: 2, maxBatchLines: 256, eagerBatchLines: 10 })
  const lookups = Array.from({ length: 1000 }, async (_, i) => await engine.readLine(i))
  // One eager batch per idle worker; after that the turn's lookups wait for its end.
  t.is(engine.stats.batches, 2)
  t.is(engine.stats.batchedLines, 20)
  const lines = await Promise.all(lookups)
  t.is(engine.stats.batches, 2 + 4, '980 left at the end of the turn, in batches of up to 256')
  t.is(engine.stats.batchedLines, 1000)
  t.true(lines.every((line, i) => line.equals(REFERENCE[i]!)))
})

test('lookups in separate turns go in separate batches', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file)
  t.deepEqual(await engine.readLine(0), REFERENCE[0])
  t.deepEqual(await engine.readLine(1), REFERENCE[1])
  t.is(engine.stats.batches, 2)
  t.is(engine.stats.batchedLines, 2)
})

test('identical concurrent lookups share one read', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file)
  const same = Array.from({ length: 50 }, async () => await engine.readLine(41))
  const other = engine.readLine(42)
  const lines = await Promise.all(same)
  t.true(lines.every((line) => line.equals(REFERENCE[41]!)))
  t.deepEqual(await other, REFERENCE[42])
  t.is(engine.stats.batchedLines, 2)
  t.is(engine.stats.coalescedLookups, 49)
  // Once settled, the same line is read again rather than served from a stale promise.
  t.deepEqual(await engine.readLine(41), REFERENCE[41])
  t.is(engine.stats.batchedLines, 3)
})

test('refuses lookups past maxPendingLookups with ERR_OVERLOADED and a retry delay', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file, { maxPendingLookups: 8 })
  const results = await Promise.allSettled(Array.from({ length: 12 }, async (_, i) => await engine.readLine(i)))
  const fulfilled = results.filter((r) => r.status === 'fulfilled')
  const rejected = results.flatMap((r) => r.status === 'rejected' ? [r.reason as LineServerError] : [])
  t.is(fulfilled.length, 8)
  t.is(rejected.length, 4)
  for (const err of rejected) {
    t.is(err.code, 'ERR_OVERLOADED')
    t.is(err.retryAfterSeconds, 1)
    t.is(err.status, 503)
  }
  t.deepEqual(results.slice(0, 8).map((r) => r.status), Array(8).fill('fulfilled'), 'the first ones asked are served')
  t.is(engine.stats.rejectedLookups, 4)
  t.is(engine.pendingLookups, 0)
  t.deepEqual(await engine.readLine(11), REFERENCE[11], 'served again once the queue drained')
})

test('a lookup identical to one in flight joins it even when the queue is full', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file, { maxPendingLookups: 2 })
  const first = engine.readLine(0)
  const second = engine.readLine(1)
  const joined = engine.readLine(1)
  const refused = engine.readLine(2)
  t.deepEqual(await first, REFERENCE[0])
  t.deepEqual(await second, REFERENCE[1])
  t.deepEqual(await joined, REFERENCE[1])
  t.is(await codeOf(refused), 'ERR_OVERLOADED')
})

test('a line of a data file truncated after indexing is refused with ERR_FILE_CHANGED', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  let notified = 0
  const engine = startEngine(t, file, { onFileChanged: () => { notified++ } })
  t.deepEqual(await engine.readLine(2999), REFERENCE[2999])
  const fd = openSync(file.dataPath, 'r+')
  ftruncateSync(fd, Math.floor(DATA.length / 2))
  closeSync(fd)
  const err = await t.throwsAsync(engine.readLine(2999))
  t.is((err as LineServerError).code, 'ERR_FILE_CHANGED')
  t.is((err as LineServerError).retryAfterSeconds, 1)
  t.is(await codeOf(engine.readLine(0)), 'ERR_FILE_CHANGED', 'even a line before the cut: the file is not the indexed one')
  t.true(notified >= 1)
  t.is(engine.stats.failedLookups, 2)
})

test('a line of a data file appended to after indexing is refused with ERR_FILE_CHANGED', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file)
  appendFileSync(file.dataPath, 'more\n')
  t.is(await codeOf(engine.readLine(5)), 'ERR_FILE_CHANGED')
})

test('a hung read fails with ERR_TIMEOUT and the engine goes on serving', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  // The fault plan is read when the pool is created, synchronously in the constructor.
  process.env.LINE_SERVER_TEST_FAULTS = 'hang-line=7'
  let engine: LineEngine
  try {
    engine = startEngine(t, file, { lookupTimeoutMs: 1000 })
  } finally {
    delete process.env.LINE_SERVER_TEST_FAULTS
  }
  const err = await t.throwsAsync(engine.readLine(7))
  t.is((err as LineServerError).code, 'ERR_TIMEOUT')
  t.is((err as LineServerError).retryAfterSeconds, 1)
  t.deepEqual(await readWithRetries(engine, 8), REFERENCE[8])
})

test('lookups asked for while every worker is busy wait in the engine, so a hung batch does not time them out too', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  process.env.LINE_SERVER_TEST_FAULTS = 'hang-line=7'
  let engine: LineEngine
  try {
    engine = startEngine(t, file, { threads: 1, lookupTimeoutMs: 1000 })
  } finally {
    delete process.env.LINE_SERVER_TEST_FAULTS
  }
  const hung = codeOf(engine.readLine(7))
  // Next turn: the hung batch holds the only worker. Sent to Piscina now, these would queue
  // behind it with their own timeout running, and fail with it.
  await new Promise((resolve) => setImmediate(resolve))
  const wanted = Array.from({ length: 40 }, (_, i) => 8 + i)
  const later = Promise.all(wanted.map(async (line) => await engine.readLine(line)))
  t.is(await hung, 'ERR_TIMEOUT')
  t.deepEqual(await later, wanted.map((line) => REFERENCE[line]))
})

test('a crashed worker fails its batch with ERR_ENGINE_FAILED and the engine goes on serving', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  process.env.LINE_SERVER_TEST_FAULTS = 'crash-line=3'
  let engine: LineEngine
  try {
    engine = startEngine(t, file)
  } finally {
    delete process.env.LINE_SERVER_TEST_FAULTS
  }
  const crashed = engine.readLine(3)
  const sameBatch = engine.readLine(4)
  t.is(await codeOf(crashed), 'ERR_ENGINE_FAILED')
  t.is(await codeOf(sameBatch), 'ERR_ENGINE_FAILED')
  t.is(engine.stats.failedLookups, 2)
  t.deepEqual(await readWithRetries(engine, 5), REFERENCE[5])
})

test('reports its thread count', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file, { threads: 2 })
  t.is(engine.threads, 2)
})

test('after close, lookups are refused with ERR_SHUTTING_DOWN', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file)
  t.deepEqual(await engine.readLine(0), REFERENCE[0])
  await engine.close()
  const err = await t.throwsAsync(engine.readLine(1))
  t.is((err as LineServerError).code, 'ERR_SHUTTING_DOWN')
  t.is((err as LineServerError).status, 503)
})

test('close waits for lookups already asked for', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file)
  const asked = Array.from({ length: 20 }, async (_, i) => await engine.readLine(i))
  await engine.close()
  const results = await Promise.allSettled(asked)
  t.deepEqual(results.map((r) => r.status === 'fulfilled' ? r.value.toString() : (r.reason as { code: string }).code), REFERENCE.slice(0, 20).map(String))
})

test('close waits for batches already sent to the workers', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  const engine = startEngine(t, file)
  const asked = Array.from({ length: 300 }, async (_, i) => await engine.readLine(i))
  await new Promise((resolve) => setImmediate(resolve))
  t.true(engine.stats.batches > 0, 'dispatched before close')
  await engine.close()
  const lines = await Promise.all(asked)
  t.true(lines.every((line, i) => line.equals(REFERENCE[i]!)))
})

// The worker's lookup module opens the data file when it loads; the CommonJS entry Piscina
// loads (worker-entry.cts) turns a failed load into a failed lookup, not a hang.
test('a data file gone before the workers start fails lookups with ERR_ENGINE_FAILED, never hangs', async (t) => {
  const file = await indexData(createTempDir(t), 'data', DATA)
  rmSync(file.dataPath)
  const engine = startEngine(t, file, { lookupTimeoutMs: 60_000 })
  t.is(await codeOf(engine.readLine(0)), 'ERR_ENGINE_FAILED')
  t.is(await codeOf(engine.readLine(1)), 'ERR_ENGINE_FAILED')
})
