import test, { type ExecutionContext } from 'ava'
import { appendFileSync, closeSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, writeFileSync, writeSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { checkpointTables, checkpointViews, identifyDataFile, loadIndexFile, locateLine } from '@line-server/shared'
import { buildIndex, DEFAULT_CHECKPOINT_EVERY_BYTES, DEFAULT_CHECKPOINT_EVERY_LINES } from '../src/build-index.js'
import { createRandom, createTempDir, edgeCaseFiles, randomData, referenceCheckpoints, referenceLines, referenceLineStarts } from '@line-server/testkit'
import { assertIndexMatches, type JoinedIndex } from './helpers/index-check.js'

const PARALLEL_THRESHOLD_BYTES = 64 * 1024 * 1024

function loadJoined (dataPath: string, indexPath: string): JoinedIndex {
  const { header, index } = loadIndexFile(indexPath, identifyDataFile(dataPath))
  const tables = checkpointTables(index)
  return { lineCount: header.lineCount, lines: tables.lines, offsets: tables.offsets }
}

/** A sparse file of `sizeBytes` (holes read as zeros) with `writes` at their offsets. */
function writeSparse (path: string, sizeBytes: number, writes: ReadonlyArray<[number, string | Buffer]>): void {
  const fd = openSync(path, 'w')
  try {
    ftruncateSync(fd, sizeBytes)
    for (const [offset, content] of writes) {
      const buf = Buffer.from(content)
      writeSync(fd, buf, 0, buf.length, offset)
    }
  } finally {
    closeSync(fd)
  }
}

function readAt (path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(length)
    const n = readSync(fd, buf, 0, length, position)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

async function buildAndCheck (t: ExecutionContext, dir: string, name: string, data: Buffer, everyLines: number, everyBytes: number): Promise<void> {
  const dataPath = join(dir, name)
  const indexPath = `${dataPath}.lidx`
  writeFileSync(dataPath, data)
  const result = await buildIndex({ dataPath, indexPath, checkpointEveryLines: everyLines, checkpointEveryBytes: everyBytes })
  const expected = referenceCheckpoints(referenceLineStarts(data), everyLines, everyBytes)
  t.is(result.lineCount, referenceLines(data).length, `${name}: reported line count`)
  t.is(result.dataSizeBytes, data.length)
  t.is(result.checkpointCount, expected.lines.length)
  t.is(result.threads, 1, 'small files are scanned in the calling thread')
  assertIndexMatches(t, data, loadJoined(dataPath, indexPath), expected, everyLines, everyBytes, `${name} K=${everyLines} B=${everyBytes}`)
}

test('indexes every edge-case file so each line is found where splitting on newlines puts it', async (t) => {
  const dir = createTempDir(t)
  for (const [name, data] of Object.entries(edgeCaseFiles())) {
    for (const [everyLines, everyBytes] of [[1, 1], [3, 16], [DEFAULT_CHECKPOINT_EVERY_LINES, DEFAULT_CHECKPOINT_EVERY_BYTES]] as Array<[number, number]>) {
      if (data.length > 1_000_000 && everyBytes < 64) continue
      await buildAndCheck(t, dir, name.replace(/\W+/g, '-'), data, everyLines, everyBytes)
    }
  }
})

test('indexes random files like splitting on newlines does', async (t) => {
  const dir = createTempDir(t)
  for (let seed = 1; seed <= 40; seed++) {
    const random = createRandom(seed * 7919)
    const everyLines = 1 + Math.floor(random() * 20)
    const everyBytes = 1 + Math.floor(random() * 300)
    await buildAndCheck(t, dir, `random-${seed}`, randomData(random, 20_000, everyBytes), everyLines, everyBytes)
  }
})

test('uses the default checkpoint spacing when none is given', async (t) => {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'data')
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''))
  writeFileSync(dataPath, data)
  await buildIndex({ dataPath, indexPath: `${dataPath}.lidx` })
  const { header } = loadIndexFile(`${dataPath}.lidx`, identifyDataFile(dataPath))
  t.is(header.checkpointEveryLines, 64)
  t.is(header.checkpointEveryBytes, 16 * 1024)
  t.is(header.checkpointCount, Math.ceil(1000 / 64))
})

test('scans files above 64 MiB in worker threads and joins their ranges into the same lines', async (t) => {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'sparse-64m')
  const size = PARALLEL_THRESHOLD_BYTES + 4096
  const dense = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `${i} ${'x'.repeat(i % 13)}\n`).join(''))
  const writes: Array<[number, string | Buffer]> = [[0, dense], [size - dense.length - 10, dense], [size - 3, 'end']]
  // Newlines at the last byte of a range and at the first byte of the next, for 2, 3 and 4 threads.
  for (const threads of [2, 3, 4]) {
    const step = Math.ceil(size / threads)
    for (let k = 1; k < threads; k++) writes.push([k * step - 1, '\n'], [k * step + 100, 'mid\nrange\n'])
  }
  writes.push([Math.ceil(size / 3) - 2, 'a\n\nb'])
  writeSparse(dataPath, size, writes)
  const data = readFileSync(dataPath)
  const lineCount = referenceLines(data).length
  // With 8 threads (8 MiB ranges) the second range's only newline is its last byte: it has no line start.
  for (const threads of [1, 2, 3, 4, 8]) {
    const indexPath = join(dir, `index-${threads}`)
    const progress: number[] = []
    const result = await buildIndex({ dataPath, indexPath, threads, checkpointEveryLines: 5, checkpointEveryBytes: 1000, onProgress: (scanned) => { progress.push(scanned) } })
    t.is(result.threads, threads)
    t.is(result.lineCount, lineCount)
    t.is(progress.at(-1), size, 'progress ends at the file size')
    assertIndexMatches(t, data, loadJoined(dataPath, indexPath), undefined, 5, 1000, `${threads} threads`)
  }
})

test('indexes a sparse file past 4 GiB and locates the lines beyond 2^32', async (t) => {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'sparse-4g')
  const indexPath = `${dataPath}.lidx`
  const base = 2 ** 32
  const size = base + 64 * 1024
  const tailLines = Array.from({ length: 300 }, (_, i) => `past 4 GiB ${i} ${'é'.repeat(i % 5)}${i % 4 === 0 ? '\r' : ''}`)
  writeSparse(dataPath, size, [
    [0, 'first\nsecond\n'],
    // A newline at 2^32 - 1, so a line starts exactly at 2^32.
    [base - 1, '\n' + tailLines.join('\n') + '\n'],
    [size - 4, '\nend']
  ])
  const result = await buildIndex({ dataPath, indexPath, threads: 2, checkpointEveryLines: 16, checkpointEveryBytes: 1024 })
  // first, second, the long run of NULs, the tail lines, the NULs after them, "end".
  const expectedLines = 2 + 1 + tailLines.length + 1 + 1
  t.is(result.lineCount, expectedLines)
  t.is(result.dataSizeBytes, size)
  const index = loadJoined(dataPath, indexPath)
  const facts = loadIndexFile(indexPath, identifyDataFile(dataPath)).index
  const views = checkpointViews(facts)
  t.true(index.offsets.includes(base), 'a checkpoint at exactly 2^32')
  const expected = new Map<number, string>([[0, 'first'], [1, 'second'], [expectedLines - 1, 'end']])
  tailLines.forEach((text, i) => expected.set(3 + i, text))
  for (const [line, text] of expected) {
    const { blockStart, blockEnd, linesToSkip } = locateLine(facts, views, line)
    t.true(linesToSkip < 16)
    // Blocks can span the hole; a line starts within checkpointEveryBytes of its block.
    const block = readAt(dataPath, blockStart, Math.min(blockEnd - blockStart, 1024 + 200))
    let at = 0
    for (let s = 0; s < linesToSkip; s++) at = block.indexOf(0x0a, at) + 1
    const end = block.indexOf(0x0a, at)
    t.is(block.subarray(at, end === -1 ? block.length : end).toString('utf8'), text, `line ${line}`)
  }
  const longLine = locateLine(facts, views, 2)
  t.deepEqual([longLine.blockStart, longLine.blockEnd, longLine.linesToSkip], [0, base, 2], 'the run of NULs is the third line of the block ending at 2^32')
})

test('writes the index atomically: only the index is left beside the data', async (t) => {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'data')
  writeFileSync(dataPath, 'a\nb\nc\n')
  await buildIndex({ dataPath, indexPath: `${dataPath}.lidx` })
  await buildIndex({ dataPath, indexPath: `${dataPath}.lidx` })
  t.deepEqual(readdirSync(dir).sort(), ['data', 'data.lidx'])
})

test('leaves no index when the data file changes while it is indexed', async (t) => {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'data')
  const indexPath = `${dataPath}.lidx`
  writeFileSync(dataPath, 'a\nb\nc\n')
  let appended = false
  const onProgress = (): void => {
    if (appended) return
    appended = true
    appendFileSync(dataPath, 'd\n')
  }
  await t.throwsAsync(buildIndex({ dataPath, indexPath, onProgress }), { message: /changed while it was being indexed/ })
  t.false(existsSync(indexPath))
  t.deepEqual(readdirSync(dir), ['data'])
})

test('fails without an index for a missing data file', async (t) => {
  const dir = createTempDir(t)
  await t.throwsAsync(buildIndex({ dataPath: join(dir, 'nope'), indexPath: join(dir, 'nope.lidx') }), { code: 'ENOENT' })
  t.deepEqual(readdirSync(dir), [])
})
