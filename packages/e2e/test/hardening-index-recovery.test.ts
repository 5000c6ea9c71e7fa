// A damaged index is rebuilt at start-up (truncated, or one bit flipped in its header or its
// table), and a full disk while writing the index is a clear start-up failure that leaves
// neither a partial index nor a temp file behind (a 64 KiB tmpfs as the --index-dir).
import test, { type ExecutionContext } from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { LINE_SERVER_BIN, expectedLine, generateDataFile, runCommand } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest } from './helpers/http.js'
import { serveFile, servingLog } from './helpers/server.js'

const SEED = 21
const MIB = 1024 * 1024

/** Starts a server, checks some lines and the serving log, stops it; returns the serving log. */
async function serveAndCheck (t: ExecutionContext, dataPath: string, indexDir: string, lines: number): Promise<Record<string, unknown>> {
  const server = await serveFile(t, dataPath, { args: ['--index-dir', indexDir] })
  const agent = createPooledAgent(8)
  const sample = Array.from({ length: 200 }, (_, i) => 1 + Math.floor((i * lines) / 200))
  await mapConcurrent([...sample, lines], 8, async (n) => {
    const res = await rawRequest(server.url, `/lines/${n}`, { agent })
    t.true(res.status === 200 && res.body.equals(expectedLine(n, { seed: SEED })), `line ${n}: ${res.status}`)
  })
  agent.destroy()
  const log = servingLog(server)
  t.is(await server.stop(), 0)
  return log
}

const DAMAGES: ReadonlyArray<{ what: string, reason: string, damage: (indexPath: string) => void }> = [
  { what: 'cut to half its size', reason: 'truncated', damage: (path) => { truncateSync(path, Math.floor(statSync(path).size / 2)) } },
  { what: 'cut inside its header', reason: 'truncated', damage: (path) => { truncateSync(path, 100) } },
  { what: 'with one bit flipped in the table', reason: 'body-checksum', damage: (path) => { flipBit(path, statSync(path).size - 20, 3) } },
  { what: 'with one bit flipped in the line count', reason: 'header-checksum', damage: (path) => { flipBit(path, 64, 0) } },
  { what: 'with one bit flipped in the magic', reason: 'bad-magic', damage: (path) => { flipBit(path, 2, 5) } }
]

function flipBit (path: string, offset: number, bit: number): void {
  const bytes = readFileSync(path)
  bytes[offset] = bytes[offset]! ^ (1 << bit)
  writeFileSync(path, bytes)
}

for (const { what, reason, damage } of DAMAGES) {
  test(`rebuilds an index ${what} at start-up and serves correct lines`, async (t) => {
    const dir = fixtureDir(t, 'hardening-index-')
    const dataPath = join(dir, 'data.txt')
    const indexDir = join(dir, 'index')
    const { lines } = generateDataFile(dataPath, 2 * MIB, { seed: SEED })
    const first = await serveAndCheck(t, dataPath, indexDir, lines)
    t.is(first.indexBuilt, true)
    const indexPath = String(first.indexPath)
    const before = readFileSync(indexPath)
    damage(indexPath)
    t.false(readFileSync(indexPath).equals(before), 'the index was damaged')
    const second = await serveAndCheck(t, dataPath, indexDir, lines)
    t.is(second.indexBuilt, true)
    t.is(second.indexRebuiltBecause, reason)
    t.true(readFileSync(indexPath).equals(before), 'the rebuilt index equals the original')
    const third = await serveAndCheck(t, dataPath, indexDir, lines)
    t.is(third.indexBuilt, false, 'the rebuilt index is used as it is on the next start')
    t.deepEqual(readdirSync(indexDir), [basename(indexPath)], 'no temp files are left')
  })
}

test('exits non-zero with a clear error, and leaves nothing behind, when the index does not fit on its disk', async (t) => {
  const dir = fixtureDir(t, 'hardening-enospc-')
  const indexDir = join(dir, 'tiny')
  mkdirSync(indexDir)
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', indexDir], { encoding: 'utf8' })
  if (mount.status !== 0) {
    t.log(`skipped: cannot mount a 64 KiB tmpfs here (mount exited ${mount.status}: ${mount.stderr.trim()}); this check needs root`)
    t.pass()
    return
  }
  t.teardown(() => {
    // Lazily, so a straggling process cannot keep the mount (and the test's temp dir) alive.
    spawnSync('umount', ['-l', indexDir])
    try { rmdirSync(indexDir) } catch {}
  })
  const dataPath = join(dir, 'data.txt')
  generateDataFile(dataPath, 2 * MIB, { seed: SEED })
  // A checkpoint per line: ~19,000 lines make an index of ~300 KiB, far more than 64 KiB.
  const result = await runCommand([LINE_SERVER_BIN, 'serve', dataPath, '--port', '0', '--host', '127.0.0.1', '--index-dir', indexDir, '--checkpoint-lines', '1'])
  const output = `${result.stdout}\n${result.stderr}`
  t.log(`exit ${result.code}; output: ${output.trim().slice(0, 600)}`)
  t.true(result.code !== 0 && result.code !== null, `exit code ${result.code}`)
  t.regex(output, /no space/i, 'the error says the disk is full')
  t.true(output.includes(indexDir), 'the error names where the index was being written')
  t.notRegex(output, /\n\s+at /, 'no stack trace')
  t.deepEqual(readdirSync(indexDir), [], 'no partial index or temp file is left')
})
