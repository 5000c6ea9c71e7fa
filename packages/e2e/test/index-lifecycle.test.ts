// The index across restarts: reused when valid, rebuilt when the data file changed (stale) or
// the index file is damaged in any way, and never served from when it does not match.
import test, { type ExecutionContext } from 'ava'
import { appendFileSync, openSync, readFileSync, renameSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { expectedLine, generateDataFile, runCommand, LINE_INDEX_BIN, type DataSpec } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { rawRequest } from './helpers/http.js'
import { assertLineResponse, serveFile, servingLog } from './helpers/server.js'

const SPEC: DataSpec = { seed: 11 }
const HEADER_BYTES = 128

interface Fixture { dataPath: string, indexPath: string, lines: number }

function makeData (t: ExecutionContext): Fixture {
  const dataPath = join(fixtureDir(t), 'data.txt')
  const { lines } = generateDataFile(dataPath, 2_000_000, SPEC)
  return { dataPath, indexPath: `${dataPath}.lidx`, lines }
}

async function indexWithCli (t: ExecutionContext, dataPath: string): Promise<void> {
  const result = await runCommand([LINE_INDEX_BIN, dataPath])
  t.is(result.code, 0, result.stderr)
}

/** Checks a few lines, including the first and last, against what the file now holds. */
async function assertServes (t: ExecutionContext, url: string, lines: ReadonlyMap<number, Buffer>): Promise<void> {
  for (const [n, bytes] of lines) assertLineResponse(t, await rawRequest(url, `/lines/${n}`), bytes, `line ${n}`)
}

function generatedLines (count: number): Map<number, Buffer> {
  return new Map([1, 2, Math.floor(count / 2), count - 1, count].map((n) => [n, expectedLine(n, SPEC)]))
}

test('builds the index on first start and reuses it untouched on restart', async (t) => {
  const { dataPath, indexPath, lines } = makeData(t)
  const first = await serveFile(t, dataPath)
  t.like(servingLog(first), { indexBuilt: true, indexRebuiltBecause: 'missing', indexPath, lines })
  t.is(await first.stop(), 0)
  const indexMtime = statSync(indexPath).mtimeMs
  const indexBytes = readFileSync(indexPath)

  const second = await serveFile(t, dataPath)
  t.like(servingLog(second), { indexBuilt: false, indexPath, lines })
  t.is(servingLog(second).indexRebuiltBecause, undefined)
  t.is(statSync(indexPath).mtimeMs, indexMtime)
  t.true(readFileSync(indexPath).equals(indexBytes))
  await assertServes(t, second.url, generatedLines(lines))
})

test('uses an index built by the line-index CLI without rebuilding it', async (t) => {
  const { dataPath, lines } = makeData(t)
  await indexWithCli(t, dataPath)
  const server = await serveFile(t, dataPath)
  t.like(servingLog(server), { indexBuilt: false, lines })
  await assertServes(t, server.url, generatedLines(lines))
})

const DATA_CHANGES: ReadonlyArray<{ name: string, change: (path: string) => Map<number, Buffer> }> = [
  {
    name: 'lines are appended',
    change (path) {
      appendFileSync(path, 'appended line\nand another, without newline')
      const old = readFileSync(path).toString('latin1').split('\n').length
      return new Map([[old - 1, Buffer.from('appended line')], [old, Buffer.from('and another, without newline')]])
    }
  },
  {
    name: 'the first line is rewritten at the same size',
    change (path) {
      const first = expectedLine(1, SPEC)
      const replaced = Buffer.from('X'.repeat(first.length))
      const fd = openSync(path, 'r+')
      writeSync(fd, replaced, 0, replaced.length, 0)
      closeSync(fd)
      return new Map([[1, replaced], [2, expectedLine(2, SPEC)]])
    }
  },
  {
    name: 'a line in the middle, outside the fingerprinted head and tail, is rewritten at the same size',
    change (path) {
      // The fingerprint hashes only the first and last 64 KiB: the mtime must tell them apart.
      const before = statSync(path)
      const content = readFileSync(path)
      const at = content.indexOf('\n', 1_000_000) + 1
      content[at] = 0x5a // 'Z' over the first digit of that line's number
      writeFileSync(path, content)
      // Some filesystems keep whole-second mtimes; make sure it moved.
      utimesSync(path, before.atime, new Date(before.mtimeMs + 1000))
      const n = content.subarray(0, at).toString('latin1').split('\n').length
      const line = content.subarray(at, content.indexOf('\n', at))
      return new Map([[n, line]])
    }
  },
  {
    name: 'it is truncated to fewer lines',
    change (path) {
      const content = readFileSync(path)
      const cut = content.indexOf('\n', 10_000) + 1
      truncateSync(path, cut)
      const count = content.subarray(0, cut).toString('latin1').split('\n').length - 1
      return new Map([[1, expectedLine(1, SPEC)], [count, expectedLine(count, SPEC)]])
    }
  },
  {
    name: 'it is replaced by another file (rename over it)',
    change (path) {
      writeFileSync(`${path}.new`, 'brand\nnew\r\nfile\n')
      renameSync(`${path}.new`, path)
      return new Map([[1, Buffer.from('brand')], [2, Buffer.from('new\r')], [3, Buffer.from('file')]])
    }
  },
  {
    name: 'only its mtime changes',
    change (path) {
      const { atime, mtimeMs } = statSync(path)
      utimesSync(path, atime, new Date(mtimeMs + 5000))
      return new Map([[1, expectedLine(1, SPEC)], [3, expectedLine(3, SPEC)]])
    }
  }
]

for (const { name, change } of DATA_CHANGES) {
  test(`rebuilds a stale index when the data file changed: ${name}`, async (t) => {
    const { dataPath, indexPath } = makeData(t)
    await indexWithCli(t, dataPath)
    const expected = change(dataPath)
    const lineCount = readFileSync(dataPath).toString('latin1').replace(/\n$/, '').split('\n').length
    const server = await serveFile(t, dataPath)
    t.like(servingLog(server), { indexBuilt: true, indexRebuiltBecause: 'stale', indexPath, lines: lineCount })
    await assertServes(t, server.url, expected)
    t.is((await rawRequest(server.url, `/lines/${lineCount + 1}`)).status, 413)
  })
}

function flipByte (path: string, at: number, mask = 0x01): void {
  const content = readFileSync(path)
  content[at]! ^= mask
  writeFileSync(path, content)
}

const INDEX_DAMAGE: ReadonlyArray<{ name: string, reason: string, damage: (indexPath: string) => void }> = [
  { name: 'a flipped bit in the body', reason: 'body-checksum', damage: (p) => { flipByte(p, HEADER_BYTES + 8) } },
  { name: 'a flipped bit in the last body byte that can change', reason: 'body-checksum', damage: (p) => { flipByte(p, statSync(p).size - 8) } },
  { name: 'a flipped bit in the header', reason: 'header-checksum', damage: (p) => { flipByte(p, 64) } },
  { name: 'a flipped bit in the header checksum itself', reason: 'header-checksum', damage: (p) => { flipByte(p, 124) } },
  { name: 'a truncated body', reason: 'truncated', damage: (p) => { truncateSync(p, statSync(p).size - 8) } },
  { name: 'a truncated header', reason: 'truncated', damage: (p) => { truncateSync(p, 100) } },
  { name: 'an empty index file', reason: 'truncated', damage: (p) => { truncateSync(p, 0) } },
  { name: 'bytes after the table', reason: 'corrupt-table', damage: (p) => { appendFileSync(p, Buffer.alloc(16)) } },
  { name: 'garbage instead of an index', reason: 'bad-magic', damage: (p) => { writeFileSync(p, Buffer.from('this is not an index file\n'.repeat(200))) } },
  {
    name: 'another format version (header checksum recomputed)',
    reason: 'wrong-version',
    damage (p) {
      const content = readFileSync(p)
      content.writeUInt32LE(99, 8)
      content.writeUInt32LE(crc32(content.subarray(0, 124)), 124)
      writeFileSync(p, content)
    }
  }
]

for (const { name, reason, damage } of INDEX_DAMAGE) {
  test(`rebuilds an index with ${name} and serves correct lines`, async (t) => {
    const { dataPath, indexPath, lines } = makeData(t)
    await indexWithCli(t, dataPath)
    const good = readFileSync(indexPath)
    damage(indexPath)
    const server = await serveFile(t, dataPath)
    t.like(servingLog(server), { indexBuilt: true, indexRebuiltBecause: reason, lines })
    t.true(readFileSync(indexPath).equals(good), 'the rebuilt index equals the one built before the damage')
    await assertServes(t, server.url, generatedLines(lines))
  })
}
