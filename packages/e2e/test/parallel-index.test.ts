// Indexing split across threads: a 72 MiB file of random-byte lines (every byte but \n, so
// bytes like 0x0b, 0x8a and 0xca that differ from \n by one bit are everywhere) indexed with
// 1 to 7 scanner threads, with newlines placed on, before and after the range boundaries.
import anyTest, { type TestFn } from 'ava'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRandom, type ServerProcess } from '@line-server/testkit'
import { sharedFixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest } from './helpers/http.js'
import { assertLineResponse, launchServer, servingLog } from './helpers/server.js'

const test = anyTest as TestFn<{ dataPath: string, dir: string, content: Buffer, starts: number[], removeDir: () => void }>
const FILE_BYTES = 72 * 1024 * 1024
const THREAD_COUNTS = [1, 2, 3, 4, 7]

/** Random lines; then \n, \r\n and \n\n written across every range boundary of every thread count. */
function buildContent (): Buffer {
  const random = createRandom(99)
  const content = Buffer.allocUnsafe(FILE_BYTES)
  for (let at = 0; at < FILE_BYTES;) {
    const r = random()
    const length = r < 0.1 ? 0 : r < 0.98 ? Math.floor(random() * 200) : Math.floor(random() * 40_000)
    const end = Math.min(FILE_BYTES, at + length)
    for (let i = at; i < end; i++) {
      const byte = Math.floor(random() * 256)
      content[i] = byte === 0x0a ? 0x0b : byte
    }
    if (end < FILE_BYTES) content[end] = 0x0a
    at = end + 1
  }
  for (const [k, threads] of THREAD_COUNTS.entries()) {
    const step = Math.ceil(FILE_BYTES / threads)
    for (let boundary = step; boundary < FILE_BYTES; boundary += step) {
      // A different pattern for each thread count: a newline as the range's last byte, as its
      // first byte, an empty line across it, a CRLF across it, none nearby.
      const patterns: Array<Array<[number, number]>> = [[[-1, 0x0a]], [[0, 0x0a]], [[-1, 0x0a], [0, 0x0a]], [[-1, 0x0d], [0, 0x0a]], []]
      for (const [delta, byte] of patterns[k % patterns.length]!) content[boundary + delta] = byte
    }
  }
  content[FILE_BYTES - 1] = 0x41 // the last line has no newline
  return content
}

function lineStarts (content: Buffer): number[] {
  const starts = [0]
  for (let nl = content.indexOf(0x0a); nl !== -1 && nl + 1 < content.length; nl = content.indexOf(0x0a, nl + 1)) starts.push(nl + 1)
  return starts
}

/** Line n (1-based) without its \n; the last line may or may not end in one. */
function lineOf (content: Buffer, starts: readonly number[], n: number): Buffer {
  const end = n < starts.length ? starts[n]! - 1 : content.at(-1) === 0x0a ? content.length - 1 : content.length
  return content.subarray(starts[n - 1]!, end)
}

test.before((t) => {
  const { dir, remove } = sharedFixtureDir()
  const dataPath = join(dir, 'random-bytes.txt')
  const content = buildContent()
  writeFileSync(dataPath, content)
  t.context = { dataPath, dir, content, starts: lineStarts(content), removeDir: remove }
})

test.after.always((t) => { t.context.removeDir?.() })

for (const threads of THREAD_COUNTS) {
  test(`serves lines around every range boundary when ${threads} thread(s) index the file`, async (t) => {
    const { dataPath, dir, content, starts } = t.context
    const server: ServerProcess = await launchServer(dataPath, { args: ['--index-threads', String(threads), '--index-dir', join(dir, `index-${threads}`)] })
    t.teardown(async () => { await server.stop() })
    t.like(servingLog(server), { indexBuilt: true, lines: starts.length })
    const lineAt = (n: number): Buffer => lineOf(content, starts, n)
    const step = Math.ceil(FILE_BYTES / threads)
    const wanted = new Set<number>([1, 2, starts.length - 1, starts.length])
    for (let boundary = step; boundary < FILE_BYTES; boundary += step) {
      // The line holding the boundary byte and a few on each side.
      let n = starts.findIndex((start) => start > boundary)
      if (n === -1) n = starts.length
      for (let m = n - 4; m <= n + 4; m++) if (m >= 1 && m <= starts.length) wanted.add(m)
    }
    const random = createRandom(threads)
    for (let i = 0; i < 1500; i++) wanted.add(1 + Math.floor(random() * starts.length))
    const agent = createPooledAgent(16)
    t.teardown(() => { agent.destroy() })
    await mapConcurrent([...wanted], 16, async (n) => {
      assertLineResponse(t, await rawRequest(server.url, `/lines/${n}`, { agent }), lineAt(n), `line ${n}`)
    })
    t.is((await rawRequest(server.url, `/lines/${starts.length + 1}`, { agent })).status, 413)
  })
}

test('serves sampled lines exactly when --index-max-bytes forces sparser checkpoints', async (t) => {
  const dir = t.context.dir
  // ~10.6 million short lines need ~166,000 checkpoints at one per 64 lines; 1 MiB holds 131,072
  // of 8 bytes.
  const random = createRandom(8)
  const content = Buffer.allocUnsafe(80 * 1024 * 1024)
  for (let at = 0; at < content.length;) {
    const end = Math.min(content.length, at + Math.floor(random() * 14))
    for (let i = at; i < end; i++) content[i] = 0x20 + Math.floor(random() * 0x5f)
    if (end < content.length) content[end] = 0x0a
    at = end + 1
  }
  const dataPath = join(dir, 'short-lines.txt')
  writeFileSync(dataPath, content)
  const starts = lineStarts(content)
  t.true(starts.length / 64 > 131_072)
  const server = await launchServer(dataPath, { args: ['--index-max-bytes', '1MiB'] })
  t.teardown(async () => { await server.stop() })
  t.like(servingLog(server), { indexBuilt: true, lines: starts.length })
  const lineAt = (n: number): Buffer => lineOf(content, starts, n)
  const wanted = [1, starts.length, ...Array.from({ length: 3000 }, () => 1 + Math.floor(random() * starts.length))]
  const agent = createPooledAgent(16)
  t.teardown(() => { agent.destroy() })
  await mapConcurrent(wanted, 16, async (n) => {
    assertLineResponse(t, await rawRequest(server.url, `/lines/${n}`, { agent }), lineAt(n), `line ${n}`)
  })
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  const checkpoints = Number(/^line_server_index_checkpoints (\d+)$/m.exec(metrics)?.[1])
  t.true(checkpoints <= 131_072, `${checkpoints} checkpoints`)
  t.log(`${starts.length} lines in ${checkpoints} checkpoints`)
})
