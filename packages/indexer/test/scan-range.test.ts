import test, { type ExecutionContext } from 'ava'
import { closeSync, openSync, writeFileSync, ftruncateSync } from 'node:fs'
import { join } from 'node:path'
import { SCAN_CHUNK_BYTES, scanRange, type RangeScan } from '../src/scan-range.js'
import { createRandom, createTempDir, edgeCaseFiles, randomData, referenceLines } from '@line-server/testkit'
import { assertIndexMatches, expectedCheckpoints, joinScans } from './helpers/index-check.js'

/** (checkpointEveryLines, checkpointEveryBytes) pairs: every line, tiny blocks, odd sizes, the defaults. */
const CHECKPOINT_SETTINGS: ReadonlyArray<[number, number]> = [[1, 1], [1, 1_000_000], [2, 3], [3, 16], [7, 100], [1000, 64], [64, 16 * 1024]]

interface OpenFile { fd: number, data: Buffer }

function openData (t: ExecutionContext, dir: string, name: string, data: Buffer): OpenFile {
  const path = join(dir, name)
  writeFileSync(path, data)
  const fd = openSync(path, 'r')
  t.teardown(() => { closeSync(fd) })
  return { fd, data }
}

function scanCuts (file: OpenFile, cuts: readonly number[], everyLines: number, everyBytes: number): RangeScan[] {
  const bounds = [0, ...cuts, file.data.length]
  const scans: RangeScan[] = []
  for (let r = 0; r + 1 < bounds.length; r++) {
    scans.push(scanRange(file.fd, { rangeStart: bounds[r]!, rangeEnd: bounds[r + 1]!, dataSizeBytes: file.data.length, checkpointEveryLines: everyLines, checkpointEveryBytes: everyBytes }))
  }
  return scans
}

function checkCuts (t: ExecutionContext, file: OpenFile, cuts: readonly number[], everyLines: number, everyBytes: number, label: string): void {
  const joined = joinScans(scanCuts(file, cuts, everyLines, everyBytes))
  assertIndexMatches(t, file.data, joined, expectedCheckpoints(file.data, cuts, everyLines, everyBytes), everyLines, everyBytes, label)
}

test('finds the same lines and checkpoints as splitting on newlines, for every edge-case file', (t) => {
  const dir = createTempDir(t)
  for (const [name, data] of Object.entries(edgeCaseFiles())) {
    const file = openData(t, dir, name.replace(/\W+/g, '-'), data)
    for (const [everyLines, everyBytes] of CHECKPOINT_SETTINGS) {
      // The 1 MiB files with one checkpoint per byte range are slow to check line by line and add nothing.
      if (data.length > 1_000_000 && everyBytes < 64) continue
      checkCuts(t, file, [], everyLines, everyBytes, `${name} K=${everyLines} B=${everyBytes}`)
    }
  }
})

test('counts the lines of the edge-case files like splitting on newlines does', (t) => {
  const dir = createTempDir(t)
  const expected: Record<string, number> = { 'empty file': 0, 'single newline': 1, 'only newlines': 7, 'one byte, no newline': 1, 'no trailing newline': 4, 'crlf lines': 4, 'lone carriage returns': 4 }
  for (const [name, data] of Object.entries(edgeCaseFiles())) {
    const file = openData(t, dir, name.replace(/\W+/g, '-'), data)
    const scan = scanRange(file.fd, { rangeStart: 0, rangeEnd: data.length, dataSizeBytes: data.length, checkpointEveryLines: 64, checkpointEveryBytes: 16 * 1024 })
    t.is(scan.lineStarts, referenceLines(data).length, name)
    const count = expected[name]
    if (count !== undefined) t.is(scan.lineStarts, count, name)
  }
})

test('finds the same lines and checkpoints as splitting on newlines, for 150 random files', (t) => {
  const dir = createTempDir(t)
  for (let seed = 1; seed <= 150; seed++) {
    const random = createRandom(seed)
    const [everyLines, everyBytes] = CHECKPOINT_SETTINGS[seed % CHECKPOINT_SETTINGS.length]!
    const data = randomData(random, seed % 10 === 0 ? 200_000 : 6000, Math.max(everyBytes, 50))
    const file = openData(t, dir, `random-${seed}`, data)
    checkCuts(t, file, [], everyLines, everyBytes, `seed ${seed} K=${everyLines} B=${everyBytes}`)
  }
})

test('split ranges join into the same lines as one range, for random files and random cuts', (t) => {
  const dir = createTempDir(t)
  for (let seed = 1000; seed < 1150; seed++) {
    const random = createRandom(seed)
    const [everyLines, everyBytes] = CHECKPOINT_SETTINGS[seed % CHECKPOINT_SETTINGS.length]!
    const data = randomData(random, 6000, Math.max(everyBytes, 50))
    if (data.length < 2) continue
    const file = openData(t, dir, `random-${seed}`, data)
    const cuts = new Set<number>()
    const parts = 1 + Math.floor(random() * 6)
    for (let i = 0; i < parts; i++) cuts.add(1 + Math.floor(random() * (data.length - 1)))
    // A cut just after a newline makes that newline the last byte of a range.
    const newline = data.indexOf(0x0a, Math.floor(random() * data.length))
    if (newline > 0 && newline + 1 < data.length) cuts.add(newline + 1)
    const sorted = [...cuts].sort((a, b) => a - b)
    checkCuts(t, file, sorted, everyLines, everyBytes, `seed ${seed} cuts ${sorted.join(',')} K=${everyLines} B=${everyBytes}`)
  }
})

test('every possible single cut of the edge-case files joins correctly', (t) => {
  const dir = createTempDir(t)
  for (const [name, data] of Object.entries(edgeCaseFiles())) {
    if (data.length > 100 || data.length < 2) continue
    const file = openData(t, dir, name.replace(/\W+/g, '-'), data)
    for (let cut = 1; cut < data.length; cut++) {
      for (const [everyLines, everyBytes] of [[1, 1], [3, 16], [64, 16 * 1024]] as Array<[number, number]>) {
        checkCuts(t, file, [cut], everyLines, everyBytes, `${name} cut ${cut} K=${everyLines} B=${everyBytes}`)
      }
    }
  }
})

test('a newline at the last byte of a range starts a line in the next range, not in its own', (t) => {
  const file = openData(t, createTempDir(t), 'data', Buffer.from('aaa\nbbb\nccc\n'))
  const request = { dataSizeBytes: 12, checkpointEveryLines: 64, checkpointEveryBytes: 16 * 1024 }
  const first = scanRange(file.fd, { ...request, rangeStart: 0, rangeEnd: 4 })
  const second = scanRange(file.fd, { ...request, rangeStart: 4, rangeEnd: 12 })
  t.is(first.lineStarts, 1)
  t.deepEqual([...first.offsets], [0])
  t.is(second.lineStarts, 2)
  t.deepEqual([...second.lines], [0])
  t.deepEqual([...second.offsets], [4])
  checkCuts(t, file, [4], 64, 16 * 1024, 'cut after the first newline')
  checkCuts(t, file, [4, 8], 1, 1, 'cuts after two newlines')
})

test('the file\'s final newline starts no line', (t) => {
  const file = openData(t, createTempDir(t), 'data', Buffer.from('aaa\nbbb\n'))
  const scan = scanRange(file.fd, { rangeStart: 4, rangeEnd: 8, dataSizeBytes: 8, checkpointEveryLines: 1, checkpointEveryBytes: 1 })
  t.is(scan.lineStarts, 1)
  t.deepEqual([...scan.offsets], [4])
})

test('a range inside one long line has no line start and no checkpoint', (t) => {
  const data = Buffer.concat([Buffer.from('x\n'), Buffer.alloc(5000, 'y'), Buffer.from('\nz\n')])
  const file = openData(t, createTempDir(t), 'data', data)
  const scan = scanRange(file.fd, { rangeStart: 100, rangeEnd: 4000, dataSizeBytes: data.length, checkpointEveryLines: 1, checkpointEveryBytes: 1 })
  t.is(scan.lineStarts, 0)
  t.is(scan.lines.length, 0)
  t.is(scan.offsets.length, 0)
  checkCuts(t, file, [100, 4000], 1, 1, 'three ranges, the middle one without a line start')
  checkCuts(t, file, [2, 3, 4, 5002], 2, 3, 'ranges starting at a line start and inside the long line')
})

test('a range that starts right after a newline begins with a checkpointed line', (t) => {
  const file = openData(t, createTempDir(t), 'data', Buffer.from('a\nb\nc\nd\n'))
  const scan = scanRange(file.fd, { rangeStart: 4, rangeEnd: 8, dataSizeBytes: 8, checkpointEveryLines: 1000, checkpointEveryBytes: 1000 })
  t.is(scan.lineStarts, 2)
  t.deepEqual([...scan.lines], [0])
  t.deepEqual([...scan.offsets], [4])
})

test('an empty range has no line starts', (t) => {
  const file = openData(t, createTempDir(t), 'data', Buffer.from('a\nb\n'))
  for (const at of [0, 2, 4]) {
    const scan = scanRange(file.fd, { rangeStart: at, rangeEnd: at, dataSizeBytes: 4, checkpointEveryLines: 1, checkpointEveryBytes: 1 })
    t.is(scan.lineStarts, 0, `at ${at}`)
    t.is(scan.lines.length, 0)
  }
})

test('finds newlines on both sides of a read-chunk boundary', (t) => {
  const size = SCAN_CHUNK_BYTES * 2 + 100
  const data = Buffer.alloc(size, 'q')
  for (const at of [SCAN_CHUNK_BYTES - 1, SCAN_CHUNK_BYTES, SCAN_CHUNK_BYTES * 2 - 1, SCAN_CHUNK_BYTES * 2 + 1, size - 1]) data[at] = 0x0a
  const file = openData(t, createTempDir(t), 'data', data)
  checkCuts(t, file, [], 64, 16 * 1024, 'one range')
  checkCuts(t, file, [SCAN_CHUNK_BYTES], 64, 16 * 1024, 'cut at the chunk size')
  checkCuts(t, file, [SCAN_CHUNK_BYTES + 1, SCAN_CHUNK_BYTES * 2], 1, 1, 'cuts after newlines')
  // A shorter last chunk must not see newlines left in the buffer by the chunk before it.
  checkCuts(t, file, [SCAN_CHUNK_BYTES * 2 + 50], 1, 1, 'a short last chunk')
})

test('reports progress in bytes scanned, ending at the range length', (t) => {
  const size = SCAN_CHUNK_BYTES * 2 + 7
  const file = openData(t, createTempDir(t), 'data', Buffer.alloc(size, 'ab\n'))
  const seen: number[] = []
  scanRange(file.fd, { rangeStart: 5, rangeEnd: size, dataSizeBytes: size, checkpointEveryLines: 64, checkpointEveryBytes: 16 * 1024 }, (bytes) => { seen.push(bytes) })
  t.deepEqual(seen, [SCAN_CHUNK_BYTES, SCAN_CHUNK_BYTES * 2, size - 5])
})

test('throws when the file ends before the range does', (t) => {
  const dir = createTempDir(t)
  const path = join(dir, 'data')
  writeFileSync(path, 'a\nb\nc\n')
  const fd = openSync(path, 'r+')
  t.teardown(() => { closeSync(fd) })
  ftruncateSync(fd, 3)
  t.throws(() => scanRange(fd, { rangeStart: 0, rangeEnd: 6, dataSizeBytes: 6, checkpointEveryLines: 64, checkpointEveryBytes: 1024 }), { message: /changed during indexing/ })
})
