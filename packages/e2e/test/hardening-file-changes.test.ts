// The data file changes under a loaded server (truncated, appended to, replaced by rename,
// rewritten in place): every 200 carries the line of the old version (only before the change
// is detected) or of the new one, never bytes of neither; other answers are 503
// ERR_FILE_CHANGED or a 413 one version justifies; after the re-index every line is the new one.
// These run without the line cache: hardening-file-change-cache.test.ts covers the cache.
import test from 'ava'
import { appendFileSync, closeSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { generateDataFile, referenceLines } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest } from './helpers/http.js'
import { assertSameBytes, serveFile } from './helpers/server.js'
import { assertErrorBody, isHealthy } from './helpers/hardening-raw-http.js'
import { waitForLog } from './helpers/hardening-processes.js'

const WATCH_INTERVAL_MS = 200
// The brief's promise: from this long after a change, no answer carries the old version.
const DETECTION_BOUND_MS = 2000
const READERS = 8
const CHANGED_LOG = 'data file changed; re-indexing before serving again'
const READ_FOUND_CHANGE = 'a read found the file differs from its index'

interface Change {
  readonly what: string
  readonly reason: RegExp
  /** Makes the new version somewhere else first (so `apply` is one quick step) and returns its bytes. */
  readonly prepare: (dir: string, dataPath: string, old: Buffer) => { newBytes: Buffer, apply: () => void }
}

const CHANGES: readonly Change[] = [
  {
    what: 'truncated in the middle of a line',
    reason: /truncated from \d+ to \d+ bytes/,
    prepare: (_dir, dataPath, old) => {
      const size = Math.floor(old.length / 2) + 17
      return { newBytes: old.subarray(0, size), apply: () => { truncateSync(dataPath, size) } }
    }
  },
  {
    what: 'appended to',
    reason: /grew from \d+ to \d+ bytes/,
    prepare: (dir, dataPath, old) => {
      generateDataFile(join(dir, 'extra.txt'), 128 * 1024, { seed: 2 })
      const extra = readFileSync(join(dir, 'extra.txt'))
      return { newBytes: Buffer.concat([old, extra]), apply: () => { appendFileSync(dataPath, extra) } }
    }
  },
  {
    what: 'replaced by a new file renamed over it',
    reason: /replaced \(new inode\)/,
    prepare: (dir, dataPath) => {
      const nextPath = join(dir, 'next.txt')
      generateDataFile(nextPath, 512 * 1024, { seed: 2 })
      return { newBytes: readFileSync(nextPath), apply: () => { renameSync(nextPath, dataPath) } }
    }
  },
  {
    what: 'rewritten in place at the same size',
    reason: /modified \(mtime changed\) at the same size/,
    prepare: (_dir, dataPath, old) => {
      // Same length, same newlines, different letters: only the mtime tells the versions apart.
      const newBytes = Buffer.from(old.map((byte) => (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) ? byte ^ 0x20 : byte))
      return {
        newBytes,
        apply: () => {
          const fd = openSync(dataPath, 'r+')
          try { writeSync(fd, newBytes, 0, newBytes.length, 0) } finally { closeSync(fd) }
        }
      }
    }
  }
]

interface Observation {
  readonly n: number
  readonly sentAt: number
  readonly receivedAt: number
  readonly status: number
  readonly body: Buffer
  readonly retryAfter: string | undefined
}

for (const change of CHANGES) {
  test.serial(`never serves bytes of neither version when the data file is ${change.what}`, async (t) => {
    const dir = fixtureDir(t, 'hardening-change-')
    const dataPath = join(dir, 'data.txt')
    generateDataFile(dataPath, 512 * 1024, { seed: 1 })
    const oldBytes = readFileSync(dataPath)
    const { newBytes, apply } = change.prepare(dir, dataPath, oldBytes)
    const oldLines = referenceLines(oldBytes)
    const newLines = referenceLines(newBytes)
    const server = await serveFile(t, dataPath, { args: ['--watch-interval-ms', String(WATCH_INTERVAL_MS), '--cache-bytes', '0', '--index-dir', join(dir, 'index')] })
    const agent = createPooledAgent(READERS)
    t.teardown(() => { agent.destroy() })

    const observations: Observation[] = []
    const maxLine = Math.max(oldLines.length, newLines.length) + 3
    let reading = true
    let random = 12345
    const reader = async (): Promise<void> => {
      while (reading) {
        random = (Math.imul(random, 1664525) + 1013904223) >>> 0
        const n = 1 + (random % maxLine)
        const sentAt = Date.now()
        const res = await rawRequest(server.url, `/lines/${n}`, { agent })
        const retryAfter = res.headers['retry-after']
        observations.push({ n, sentAt, receivedAt: Date.now(), status: res.status, body: res.body, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined })
      }
    }
    const readers = Promise.all(Array.from({ length: READERS }, reader))
    await new Promise((resolve) => setTimeout(resolve, 600))
    const changeStartedAt = Date.now()
    apply()
    const changedAt = Date.now()
    const detected = await waitForLog(server, (e) => e.msg === CHANGED_LOG, 10_000)
    const reloaded = await waitForLog(server, (e) => e.msg === 'serving' && e.reloaded === true, 20_000)
    await new Promise((resolve) => setTimeout(resolve, 500))
    reading = false
    await readers

    // Either the watcher saw it (and says how it changed) or a read did first.
    t.true(change.reason.test(String(detected.entry.reason)) || String(detected.entry.reason) === READ_FOUND_CHANGE, `reason: ${String(detected.entry.reason)}`)
    t.is(reloaded.entry.lines, newLines.length, 'the re-indexed version has the new file\'s line count')
    const counts = { oldOnly: 0, newOnly: 0, same: 0, fileChanged: 0, pastEnd: 0 }
    for (const o of observations) {
      const what = `line ${o.n} sent ${o.sentAt - changedAt} ms after the change`
      const oldLine = oldLines[o.n - 1]
      const newLine = newLines[o.n - 1]
      if (o.status === 200) {
        const isOld = oldLine?.equals(o.body) === true
        const isNew = newLine?.equals(o.body) === true
        if (!isOld && !isNew) { t.fail(`${what}: 200 with bytes of neither version: ${JSON.stringify(o.body.subarray(0, 80).toString('latin1'))}`); continue }
        if (isOld && isNew) { counts.same++; continue }
        if (isNew) {
          counts.newOnly++
          if (o.receivedAt < changeStartedAt) t.fail(`${what}: new bytes before the change`)
          continue
        }
        counts.oldOnly++
        if (o.sentAt >= detected.seenAt) t.fail(`${what}: old bytes for a request sent after the change was logged (${detected.seenAt - changedAt} ms)`)
        if (o.sentAt >= changedAt + DETECTION_BOUND_MS) t.fail(`${what}: old bytes more than ${DETECTION_BOUND_MS} ms after the change`)
      } else if (o.status === 503) {
        counts.fileChanged++
        t.is(assertErrorBody(t, o, what)?.code, 'ERR_FILE_CHANGED', `${what}: 503 code`)
        t.regex(o.retryAfter ?? '', /^\d+$/, `${what}: Retry-After`)
        if (o.receivedAt < changeStartedAt) t.fail(`${what}: 503 before the change`)
      } else if (o.status === 413) {
        counts.pastEnd++
        if (oldLine !== undefined && newLine !== undefined) t.fail(`${what}: 413 though both versions have the line`)
        if (newLine !== undefined && o.sentAt >= reloaded.seenAt) t.fail(`${what}: 413 after the re-index though the new version has the line`)
      } else {
        t.fail(`${what}: status ${o.status} ${o.body.toString('utf8').slice(0, 200)}`)
      }
    }
    t.log(`${observations.length} answers while ${change.what}:`, counts, `change logged ≤${detected.seenAt - changedAt} ms and re-indexed ≤${reloaded.seenAt - changedAt} ms after it; reason: ${String(detected.entry.reason)}`)
    t.true(observations.some((o) => o.sentAt > reloaded.seenAt && o.status === 200), 'lines were served after the re-index')

    // After the re-index, every line is the new version's.
    const wrong: number[] = []
    await mapConcurrent(newLines.map((line, i) => ({ line, n: i + 1 })), READERS, async ({ line, n }) => {
      const res = await rawRequest(server.url, `/lines/${n}`, { agent })
      if (res.status !== 200 || !res.body.equals(line)) wrong.push(n)
    })
    if (wrong.length > 0) {
      const n = wrong[0]!
      const res = await rawRequest(server.url, `/lines/${n}`, { agent })
      t.log(`line ${n} after the re-index: old version? ${oldLines[n - 1]?.equals(res.body) === true}`)
      assertSameBytes(t, res.body, newLines[n - 1]!, `line ${n} after the re-index`)
    }
    t.deepEqual(wrong, [], `${wrong.length} of ${newLines.length} lines are not the new version's after the re-index`)
    t.is((await rawRequest(server.url, `/lines/${newLines.length + 1}`, { agent })).status, 413)
    t.true(await isHealthy(server.port))
  })
}
