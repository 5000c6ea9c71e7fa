import test, { type ExecutionContext } from 'ava'
import { appendFileSync, closeSync, ftruncateSync, openSync, writeSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { createSharedIndex, identifyDataFile } from '@line-server/shared'
import { LineReader, LOOKUP_FAILURE_CODES } from '../src/line-reader.js'
import { createRandom, createTempDir, edgeCaseFiles, randomData, referenceLines, referenceLineStarts } from '@line-server/testkit'
import { indexData, type IndexedFile } from './helpers/indexed-file.js'

/** (checkpointEveryLines, checkpointEveryBytes): tiny blocks, odd sizes, the defaults. */
const CHECKPOINT_SETTINGS: ReadonlyArray<[number, number]> = [[1, 1], [2, 3], [5, 16], [1000, 7], [64, 16 * 1024]]

function openReader (t: ExecutionContext, file: IndexedFile, checkIdentity = false): LineReader {
  const fd = openSync(file.dataPath, 'r')
  t.teardown(() => { closeSync(fd) })
  return new LineReader(fd, file.index, checkIdentity ? { sizeBytes: file.identity.sizeBytes, mtimeNs: file.identity.mtimeNs } : undefined)
}

function assertReadsEveryLine (t: ExecutionContext, reader: LineReader, data: Buffer, label: string): void {
  const reference = referenceLines(data)
  let wrong = 0
  for (let i = 0; i < reference.length; i++) {
    const line = reader.readLine(i)
    if (typeof line === 'string' || !line.equals(reference[i]!)) {
      if (wrong++ < 5) t.fail(`${label}: line ${i + 1} read as ${typeof line === 'string' ? line : JSON.stringify(line.toString('latin1').slice(0, 80))}`)
    }
  }
  if (wrong === 0) t.pass()
}

test('reads exactly the reference bytes of every line of each edge-case file, for tiny and default blocks', async (t) => {
  const dir = createTempDir(t)
  for (const [name, data] of Object.entries(edgeCaseFiles())) {
    for (const [everyLines, everyBytes] of CHECKPOINT_SETTINGS) {
      if (data.length > 1_000_000 && everyBytes < 16) continue
      const file = await indexData(dir, name.replace(/\W+/g, '-'), data, everyLines, everyBytes)
      assertReadsEveryLine(t, openReader(t, file), data, `${name} K=${everyLines} B=${everyBytes}`)
    }
  }
})

test('reads exactly the reference bytes of every line of random files', async (t) => {
  const dir = createTempDir(t)
  for (let seed = 1; seed <= 60; seed++) {
    const random = createRandom(seed * 31)
    const [everyLines, everyBytes] = CHECKPOINT_SETTINGS[seed % CHECKPOINT_SETTINGS.length]!
    const data = randomData(random, 8000, Math.max(everyBytes, 40))
    const file = await indexData(dir, `random-${seed}`, data, everyLines, everyBytes)
    assertReadsEveryLine(t, openReader(t, file), data, `seed ${seed} K=${everyLines} B=${everyBytes}`)
  }
})

test('the 1 MiB line and the lines around it come back whole with 1-byte blocks', async (t) => {
  const mib = Buffer.alloc(1024 * 1024, 'm')
  const data = Buffer.concat([Buffer.from('a\n'), mib, Buffer.from('\r\nb\n'), mib])
  const file = await indexData(createTempDir(t), 'mib', data, 1, 1)
  const reader = openReader(t, file)
  t.deepEqual(reader.readLine(0), Buffer.from('a'))
  t.deepEqual(reader.readLine(1), Buffer.concat([mib, Buffer.from('\r')]))
  t.deepEqual(reader.readLine(2), Buffer.from('b'))
  t.deepEqual(reader.readLine(3), mib)
})

test('a batch packs its lines back to back in an exact-size buffer, in the order asked', async (t) => {
  const data = edgeCaseFiles()['multibyte utf-8']!
  const reference = referenceLines(data)
  const file = await indexData(createTempDir(t), 'utf8', data, 2, 3)
  const reader = openReader(t, file, true)
  const order = [5, 0, 3, 3, 1, 4, 2]
  const { bytes, lengths, firstError } = reader.readBatch(order)
  t.is(firstError, undefined)
  t.deepEqual([...lengths], order.map((i) => reference[i]!.length))
  t.is(bytes.buffer.byteLength, bytes.length, 'no bigger buffer behind the bytes')
  t.deepEqual(Buffer.from(bytes), Buffer.concat(order.map((i) => reference[i]!)))
})

test('a batch of lines bigger than its arena grows it', async (t) => {
  const data = Buffer.from(Array.from({ length: 200 }, (_, i) => `${i}:${'z'.repeat(2000)}`).join('\n'))
  const file = await indexData(createTempDir(t), 'wide', data)
  const reader = openReader(t, file)
  const order = Array.from({ length: 200 }, (_, i) => 199 - i)
  const { bytes, lengths } = reader.readBatch(order)
  t.is(bytes.length, lengths.reduce((a, b) => a + b, 0))
  t.deepEqual(Buffer.from(bytes), Buffer.concat(order.map((i) => referenceLines(data)[i]!)))
})

test('an empty line in a batch has length 0', async (t) => {
  const file = await indexData(createTempDir(t), 'empties', Buffer.from('\n\nx\n\n'))
  const { bytes, lengths } = openReader(t, file).readBatch([0, 2, 1, 3])
  t.deepEqual([...lengths], [0, 1, 0, 0])
  t.deepEqual(Buffer.from(bytes), Buffer.from('x'))
})

test('after the data file is truncated a line is read whole or refused with ERR_FILE_CHANGED, never cut short', async (t) => {
  const dir = createTempDir(t)
  for (const [everyLines, everyBytes] of CHECKPOINT_SETTINGS) {
    for (let seed = 1; seed <= 8; seed++) {
      const random = createRandom(seed * 101 + everyBytes)
      const data = randomData(random, 6000, Math.max(everyBytes, 40))
      if (data.length < 4) continue
      const name = `trunc-${seed}-${everyLines}-${everyBytes}`
      const file = await indexData(dir, name, data, everyLines, everyBytes)
      const newSize = Math.floor(random() * data.length)
      const fd = openSync(file.dataPath, 'r+')
      ftruncateSync(fd, newSize)
      closeSync(fd)
      const reader = openReader(t, file)
      const reference = referenceLines(data)
      const starts = referenceLineStarts(data)
      for (let i = 0; i < reference.length; i++) {
        const line = reader.readLine(i)
        const intact = starts[i]! + reference[i]!.length <= newSize
        if (!intact) t.is(line, 'ERR_FILE_CHANGED', `${name} line ${i} crosses the cut at ${newSize}`)
        else if (line !== 'ERR_FILE_CHANGED') t.deepEqual(line, reference[i], `${name} line ${i}`)
      }
    }
  }
})

test('a batch read after the data file was truncated reports ERR_FILE_CHANGED for every line', async (t) => {
  const data = Buffer.from('one\ntwo\nthree\nfour\n')
  const file = await indexData(createTempDir(t), 'data', data, 1, 1)
  const reader = openReader(t, file, true)
  const fd = openSync(file.dataPath, 'r+')
  ftruncateSync(fd, 9)
  closeSync(fd)
  const { bytes, lengths } = reader.readBatch([0, 1, 2, 3])
  const changed = -1 - LOOKUP_FAILURE_CODES.indexOf('ERR_FILE_CHANGED')
  t.deepEqual([...lengths], [changed, changed, changed, changed])
  t.is(bytes.length, 0)
})

test('a batch read after the data file grew or was touched reports ERR_FILE_CHANGED', async (t) => {
  const dir = createTempDir(t)
  const grown = await indexData(dir, 'grown', Buffer.from('a\nb\n'))
  const grownReader = openReader(t, grown, true)
  appendFileSync(grown.dataPath, 'c\n')
  t.deepEqual([...grownReader.readBatch([0, 1]).lengths], [-2, -2])
  const touched = await indexData(dir, 'touched', Buffer.from('a\nb\n'))
  const touchedReader = openReader(t, touched, true)
  utimesSync(touched.dataPath, new Date(), new Date(Date.now() + 5000))
  t.deepEqual([...touchedReader.readBatch([0, 1]).lengths], [-2, -2])
  t.is(LOOKUP_FAILURE_CODES[1], 'ERR_FILE_CHANGED')
})

test('a failing read is reported per line with its message, and the batch goes on', async (t) => {
  const file = await indexData(createTempDir(t), 'data', Buffer.from('a\nb\n'))
  // Synchronous from open to read: nothing else in this thread can take the closed fd's number.
  const fd = openSync(file.dataPath, 'r')
  const reader = new LineReader(fd, file.index)
  closeSync(fd)
  const { lengths, firstError, bytes } = reader.readBatch([0, 1])
  const readFailed = -1 - LOOKUP_FAILURE_CODES.indexOf('ERR_READ_FAILED')
  t.deepEqual([...lengths], [readFailed, readFailed])
  t.regex(firstError ?? '', /EBADF/)
  t.is(bytes.length, 0)
})

test('reads lines past 4 GiB of a sparse file', (t) => {
  const dir = createTempDir(t)
  const dataPath = join(dir, 'sparse')
  const base = 2 ** 32
  const size = base + 8192
  const tail = Array.from({ length: 100 }, (_, i) => `line ${i} past 2^32 ${'€'.repeat(i % 3)}`)
  const content = Buffer.from('\n' + tail.join('\n') + '\r\n')
  const fd = openSync(dataPath, 'w')
  ftruncateSync(fd, size)
  writeSync(fd, Buffer.from('head\n'), 0, 5, 0)
  writeSync(fd, content, 0, content.length, base - 1)
  closeSync(fd)
  // The indexer's own tests scan such a file; here the index is written out by hand, so this
  // test reads past 2^32 without scanning 4 GiB of holes.
  const tailStarts = tail.map((_, i) => base + tail.slice(0, i).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0))
  const lastStart = base - 1 + content.length
  const checkpoints: Array<[number, number]> = [[0, 0], [1, 5], [2, base], [50, tailStarts[48]!], [tail.length + 2, lastStart]]
  const index = createSharedIndex({ dataSizeBytes: size, lineCount: tail.length + 3, checkpointEveryLines: 64, checkpointEveryBytes: 4096 }, {
    lines: Float64Array.from(checkpoints, ([line]) => line),
    offsets: Float64Array.from(checkpoints, ([, offset]) => offset)
  })
  const reader = openReader(t, { dataPath, index, identity: identifyDataFile(dataPath) }, true)
  t.deepEqual(reader.readLine(0), Buffer.from('head'))
  const batch = reader.readBatch(tail.map((_, i) => 2 + i))
  t.is(batch.firstError, undefined)
  t.deepEqual([...batch.lengths], tail.map((line, i) => Buffer.byteLength(line) + (i === tail.length - 1 ? 1 : 0)))
  t.deepEqual(Buffer.from(batch.bytes), Buffer.from(tail.join('') + '\r'))
  const last = reader.readLine(tail.length + 2)
  t.true(Buffer.isBuffer(last) && last.length === size - lastStart && last.every((b) => b === 0), 'the trailing NULs are the last line')
})
