// Lines past 2 GiB and 4 GiB, in a sparse file (holes cost no disk): offsets must survive
// 32-bit boundaries in the indexer, the index file and the reader. Heavy: indexing reads 4 GiB
// of holes, 10-25 s of CPU on a busy 2-core machine.
import test from 'ava'
import { join } from 'node:path'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest } from './helpers/http.js'
import { assertLineResponse, serveFile, servingLog } from './helpers/server.js'
import { lineFiller } from './helpers/edge-cases.js'
import { allocatedBytes, sparseLines, writeSparseFile, type SparsePiece } from './helpers/sparse-file.js'

const TWO_GIB = 2 ** 31
const FOUR_GIB = 2 ** 32
const INDEX_THREADS = 2

function text (...lines: Array<string | Buffer>): Buffer {
  return Buffer.concat(lines.map((line) => typeof line === 'string' ? Buffer.from(line, 'utf8') : line))
}

/**
 * head line | ~2 GiB of zeros | a line straddling 2 GiB | zeros | short lines, one of whose
 * newlines is the last byte of the first indexer thread's range | ~2 GiB of zeros | a line
 * straddling 4 GiB | lines past 4 GiB (multibyte, empty, CRLF, > 16 KiB) | a final line without \n.
 */
function layout (): SparsePiece[] {
  const around2 = text('\n', 'straddles 2 GiB', '\n')
  const middle = text('\n', Array.from({ length: 100 }, (_, i) => `middle line ${i}`).join('\n'), '\n')
  let tail = text(
    '\n', 'straddles 4 GiB', '\n',
    'past 4 GiB: café ☕ 日本語 😀', '\n',
    '', '\n',
    'CRLF past 4 GiB\r', '\n',
    '\r', '\n',
    lineFiller(20_000, 1), '\n',
    lineFiller(16 * 1024, 2), '\n',
    Array.from({ length: 100 }, (_, i) => `short line ${i} past 4 GiB`).join('\n'), '\n',
    Buffer.from([0, 0x41, 0]), '\n',
    'the last line, past 4 GiB, without a newline'
  )
  // The line "straddles 4 GiB" starts 5 bytes before 2^32.
  const tailAt = FOUR_GIB - 6
  if ((tailAt + tail.length) % 2 === 1) tail = text(tail, '.')
  const size = tailAt + tail.length
  // The indexer splits the file into ranges of ceil(size / threads) bytes: put a newline of the
  // middle lines on the last byte of the first range.
  const rangeEnd = Math.ceil(size / INDEX_THREADS)
  const newlineInMiddle = middle.indexOf('\n', middle.length >> 1)
  const middleAt = rangeEnd - 1 - newlineInMiddle
  const around2At = TWO_GIB - 6
  const head = text('head line', '\n')
  if (!(around2At + around2.length < middleAt && middleAt + middle.length < tailAt)) throw new Error('sparse layout pieces overlap')
  return [
    { text: head },
    { zeros: around2At - head.length },
    { text: around2 },
    { zeros: middleAt - around2At - around2.length },
    { text: middle },
    { zeros: tailAt - middleAt - middle.length },
    { text: tail }
  ]
}

test('serves lines past 2 GiB and 4 GiB of a sparse file byte for byte', async (t) => {
  const dir = fixtureDir(t)
  const dataPath = join(dir, 'sparse.txt')
  const pieces = layout()
  const size = writeSparseFile(dataPath, pieces)
  t.true(size > FOUR_GIB)
  const allocated = allocatedBytes(dataPath)
  if (allocated > 64 * 1024 * 1024) t.fail(`the temp filesystem does not keep holes: a ${size}-byte sparse file occupies ${allocated} bytes`)

  const started = Date.now()
  const server = await serveFile(t, dataPath, { args: ['--index-threads', String(INDEX_THREADS)], readyTimeoutMs: 300_000 })
  const serving = servingLog(server)
  t.log(`indexed ${(size / 2 ** 30).toFixed(2)} GiB sparse file in ${serving.indexSeconds} s (${Date.now() - started} ms to serving)`)

  const expected = sparseLines(pieces)
  t.is(serving.bytes, size)
  t.is(serving.lines, expected.length)
  const agent = createPooledAgent(8)
  t.teardown(() => { agent.destroy() })
  const checked = expected.flatMap((line, i) => 'bytes' in line ? [{ n: i + 1, bytes: line.bytes }] : [])
  t.true(checked.length > 200)
  await mapConcurrent(checked, 8, async ({ n, bytes }) => {
    assertLineResponse(t, await rawRequest(server.url, `/lines/${n}`, { agent }), bytes, `line ${n}`)
  })
  t.is((await rawRequest(server.url, `/lines/${expected.length + 1}`, { agent })).status, 413)
})
