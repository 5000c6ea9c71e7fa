// Many changes of the data file under heavy load: each change closes the old engine while its
// workers are busy. The server must live through all of them, answering only lines, 503
// ERR_FILE_CHANGED or 413, and serve the final version exactly.
import test from 'ava'
import { appendFileSync, readFileSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, mapConcurrent, rawRequest } from './helpers/http.js'
import { serveFile } from './helpers/server.js'

const READERS = 128
const CHANGES = 60

test('lives through 60 changes of the data file under load, answering only lines, ERR_FILE_CHANGED or 413', async (t) => {
  const dir = fixtureDir(t, 'hardening-churn-')
  const dataPath = join(dir, 'data.txt')
  generateDataFile(dataPath, 1024 * 1024, { seed: 1 })
  const full = readFileSync(dataPath)
  const server = await serveFile(t, dataPath, {
    // No cache: hardening-file-change-cache.test.ts covers the cache's own race.
    args: ['--threads', '4', '--batch-max-lines', '4', '--watch-interval-ms', '200', '--cache-bytes', '0', '--index-dir', join(dir, 'index')]
  })
  let exitedAfter: number | undefined
  let changes = 0
  server.child.once('exit', () => { exitedAfter = changes })
  const agent = createPooledAgent(READERS)
  t.teardown(() => { agent.destroy() })
  const answers: Record<string, number> = {}
  let reading = true
  let next = 0
  const readers = Promise.all(Array.from({ length: READERS }, async () => {
    while (reading && exitedAfter === undefined) {
      let key: string
      try {
        const res = await rawRequest(server.url, `/lines/${1 + (next++ % 9000)}`, { agent })
        key = res.status === 200 ? '200' : `${res.status} ${/"code":"(\w+)"/.exec(res.body.toString('utf8'))?.[1] ?? ''}`
      } catch (err) {
        key = (err as NodeJS.ErrnoException).code ?? (err as Error).message
      }
      answers[key] = (answers[key] ?? 0) + 1
    }
  }))
  const reloads = (): number => server.logs.filter((e) => e.msg === 'serving' && e.reloaded === true).length
  for (; changes < CHANGES && exitedAfter === undefined; changes++) {
    await new Promise((resolve) => setTimeout(resolve, 150))
    if (changes % 2 === 0) truncateSync(dataPath, 500_000 + changes * 1000)
    else appendFileSync(dataPath, full.subarray(500_000 + (changes - 1) * 1000))
    const deadline = Date.now() + 10_000
    while (reloads() <= changes && exitedAfter === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  reading = false
  await readers
  t.log(`${changes} changes, ${reloads()} re-indexes; answers:`, answers)
  if (exitedAfter !== undefined) {
    t.log(`stderr: ${server.stderr().slice(0, 1500)}`)
    t.fail(`the server exited (code ${server.child.exitCode}, signal ${server.child.signalCode}) after ${exitedAfter} changes`)
    return
  }
  const allowed = new Set(['200', '503 ERR_FILE_CHANGED', '413 ERR_LINE_OUT_OF_RANGE'])
  t.deepEqual(Object.keys(answers).filter((key) => !allowed.has(key)), [], 'only lines, ERR_FILE_CHANGED and 413')
  // The final version is the whole file again (every odd change appends the rest back).
  const lines = full.toString('latin1').split('\n').slice(0, -1)
  const wrong: number[] = []
  await mapConcurrent(lines.map((line, i) => ({ line, n: i + 1 })), 16, async ({ line, n }) => {
    const res = await rawRequest(server.url, `/lines/${n}`, { agent })
    if (res.status !== 200 || res.body.toString('latin1') !== line) wrong.push(n)
  })
  t.deepEqual(wrong, [])
})
