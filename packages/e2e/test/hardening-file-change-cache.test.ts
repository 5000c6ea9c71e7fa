// The line cache across a data file replacement: once the server has re-indexed the new file,
// no line of the old one may come back from the cache.
import test from 'ava'
import { readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { generateDataFile, referenceLines } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest } from './helpers/http.js'
import { serveFile } from './helpers/server.js'
import { waitForLog } from './helpers/hardening-processes.js'

const READERS = 64
const ROUNDS = 3
const MIB = 1024 * 1024

// The race: a lookup in flight when the file is replaced still resolves with the OLD file's
// bytes (the old engine finishes its batches on close, reading its fd on the old inode). Until
// 406c50d lines-route cached that line into the cache reload() had just cleared, and after the
// re-index it was served from there indefinitely: 64 clients reading distinct lines of a 1 MiB
// file, replaced by rename, left 20-64 old lines cached in 8 of 10 runs.
test('serves no line of a replaced file from the cache after re-indexing', async (t) => {
  // The race needs lookups in flight at the moment of the switch, so it does not show every
  // time: ROUNDS fresh servers, stopping at the first that keeps an old line cached.
  // (A fresh server each time: one whose cache already holds every line has nothing in flight.)
  for (let round = 1; round <= ROUNDS; round++) {
    const dir = fixtureDir(t, 'hardening-cache-')
    const dataPath = join(dir, 'data.txt')
    const nextPath = join(dir, 'next.txt')
    generateDataFile(dataPath, MIB, { seed: 1 })
    generateDataFile(nextPath, MIB, { seed: 2 })
    const oldLines = referenceLines(readFileSync(dataPath))
    const newLines = referenceLines(readFileSync(nextPath))
    const server = await serveFile(t, dataPath, { args: ['--watch-interval-ms', '200', '--index-dir', join(dir, 'index')] })
    const agent = createPooledAgent(READERS)
    t.teardown(() => { agent.destroy() })
    let reading = true
    let next = 0
    const readers = Promise.all(Array.from({ length: READERS }, async () => {
      // Each line is asked for twice in a row and never again: both asks miss and reach the
      // engine (as one coalesced lookup), and the second earns the line a place in the cache
      // (lines are admitted on their second miss), so a pair in flight at the switch is exactly
      // the lookup that could leave an old line cached.
      while (reading && server.child.exitCode === null) await rawRequest(server.url, `/lines/${1 + (Math.floor(next++ / 2) % oldLines.length)}`, { agent }).catch(() => {})
    }))
    await new Promise((resolve) => setTimeout(resolve, 300))
    renameSync(nextPath, dataPath)
    await waitForLog(server, (e) => (e.msg === 'serving' && e.reloaded === true) || server.child.exitCode !== null, 20_000)
    await new Promise((resolve) => setTimeout(resolve, 300))
    reading = false
    await readers
    if (server.child.exitCode !== null) {
      t.fail(`round ${round}: the server exited: ${server.stderr().slice(0, 300)}`)
      return
    }
    const stale: number[] = []
    const wrong: number[] = []
    await mapConcurrent(newLines.map((line, i) => ({ line, n: i + 1 })), 16, async ({ line, n }) => {
      const res = await rawRequest(server.url, `/lines/${n}`, { agent })
      if (res.status === 200 && res.body.equals(line)) return
      if (res.status === 200 && oldLines[n - 1]?.equals(res.body) === true) stale.push(n)
      else wrong.push(n)
    })
    await server.stop()
    t.deepEqual(wrong, [], `round ${round}: lines that are neither version`)
    t.log(`round ${round}: ${stale.length} of ${newLines.length} lines still answer with the replaced file's bytes${stale.length > 0 ? ` (e.g. lines ${stale.slice(0, 5).join(', ')})` : ''}`)
    t.deepEqual(stale, [], `round ${round}: lines served from the cache with the replaced file's bytes after the re-index`)
    if (stale.length > 0) return
  }
})
