// Every line of edge-case files read back over HTTP, byte for byte, from the real server.
import test from 'ava'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRandom, expectedLine, generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest } from './helpers/http.js'
import { assertLineResponse, serveFile, servingLog } from './helpers/server.js'
import { edgeCaseLines, joinLines } from './helpers/edge-cases.js'

const EDGE_CONFIGS: ReadonlyArray<{ name: string, args: string[] }> = [
  { name: 'default settings', args: [] },
  // Dense checkpoints, no cache and one line per worker task exercise other read paths.
  { name: 'a checkpoint every 1 KiB or 3 lines, no cache, one line per batch', args: ['--checkpoint-bytes', '1KiB', '--checkpoint-lines', '3', '--cache-bytes', '0', '--batch-max-lines', '1'] }
]

for (const config of EDGE_CONFIGS) {
  test(`serves every line of the edge-case file byte for byte (${config.name})`, async (t) => {
    const dir = fixtureDir(t)
    const lines = edgeCaseLines()
    const dataPath = join(dir, 'edge.txt')
    writeFileSync(dataPath, joinLines(lines))
    const server = await serveFile(t, dataPath, { args: [...config.args, '--index-dir', join(dir, 'index')] })
    t.is(servingLog(server).lines, lines.length)
    const agent = createPooledAgent(8)
    t.teardown(() => { agent.destroy() })
    // Twice: the first read comes from the file, the second may come from the cache.
    for (const round of ['first read', 'second read']) {
      await mapConcurrent(lines.map((line, i) => ({ line, n: i + 1 })), 8, async ({ line, n }) => {
        const res = await rawRequest(server.url, `/lines/${n}`, { agent })
        assertLineResponse(t, res, line.bytes, `line ${n} (${line.label}), ${round}`)
      })
    }
    const past = await rawRequest(server.url, `/lines/${lines.length + 1}`, { agent })
    t.is(past.status, 413)
  })
}

const SMALL_FILES: ReadonlyArray<{ name: string, content: string, lines: string[] }> = [
  { name: 'an empty file', content: '', lines: [] },
  { name: 'a file holding one \\n', content: '\n', lines: [''] },
  { name: 'a file without any newline', content: 'no newline at all', lines: ['no newline at all'] },
  { name: 'a file of three \\n', content: '\n\n\n', lines: ['', '', ''] },
  { name: 'a file holding one \\r\\n', content: '\r\n', lines: ['\r'] },
  { name: 'a file holding one \\r', content: '\r', lines: ['\r'] },
  { name: 'a file ending in an empty line', content: 'a\n\n', lines: ['a', ''] },
  { name: 'a file whose last line has only \\r and no \\n', content: 'a\n\r', lines: ['a', '\r'] },
  { name: 'a file ending in a CRLF line', content: 'a\r\n\r\n', lines: ['a\r', '\r'] }
]

for (const file of SMALL_FILES) {
  test(`serves ${file.name} as ${file.lines.length} line(s) and answers 413 after them`, async (t) => {
    const dir = fixtureDir(t)
    const dataPath = join(dir, 'small.txt')
    writeFileSync(dataPath, file.content, 'latin1')
    const server = await serveFile(t, dataPath)
    t.is(servingLog(server).lines, file.lines.length)
    for (const [i, line] of file.lines.entries()) {
      assertLineResponse(t, await rawRequest(server.url, `/lines/${i + 1}`), Buffer.from(line, 'latin1'), `line ${i + 1}`)
    }
    for (const n of [file.lines.length + 1, file.lines.length + 2, 1]) {
      if (n <= file.lines.length) continue
      const res = await rawRequest(server.url, `/lines/${n}`)
      t.is(res.status, 413, `line ${n}`)
      t.is(JSON.parse(res.body.toString('utf8')).code, 'ERR_LINE_OUT_OF_RANGE')
    }
  })
}

test('serves random lines of a 20 MB generated file exactly as expectedLine computes them', async (t) => {
  const dir = fixtureDir(t)
  const dataPath = join(dir, 'random.txt')
  const spec = { seed: 20 }
  const generated = generateDataFile(dataPath, 20_000_000, spec)
  const server = await serveFile(t, dataPath)
  t.is(servingLog(server).lines, generated.lines)
  t.is(servingLog(server).bytes, generated.bytes)
  const seed = 2020
  const random = createRandom(seed)
  const picks = [1, 2, generated.lines - 1, generated.lines, ...Array.from({ length: 3000 }, () => 1 + Math.floor(random() * generated.lines))]
  const agent = createPooledAgent(16)
  t.teardown(() => { agent.destroy() })
  let mismatches = 0
  await mapConcurrent(picks, 16, async (n) => {
    const res = await rawRequest(server.url, `/lines/${n}`, { agent })
    if (!assertLineResponse(t, res, expectedLine(n, spec), `line ${n} (pick seed ${seed})`)) mismatches++
  })
  t.is(mismatches, 0)
  t.is((await rawRequest(server.url, `/lines/${generated.lines + 1}`, { agent })).status, 413)
})
