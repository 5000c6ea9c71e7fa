// SIGTERM and SIGINT: the server stops accepting, lets in-flight responses finish, exits 0.
import test from 'ava'
import { get } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expectedLine, generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { createPooledAgent, rawRequest, type RawResponse } from './helpers/http.js'
import { assertSameBytes, serveFile } from './helpers/server.js'
import { lineFiller } from './helpers/edge-cases.js'

function dataFile (dir: string, content = 'one\ntwo\nthree\n'): string {
  const path = join(dir, 'data.txt')
  writeFileSync(path, content)
  return path
}

test('exits 0 after SIGTERM and logs that it drained', async (t) => {
  const dir = fixtureDir(t)
  const server = await serveFile(t, dataFile(dir))
  t.is((await fetch(`${server.url}/lines/1`)).status, 200)
  t.is(await server.stop(), 0)
  t.true(server.logs.some((line) => line.msg === 'stopped' && line.drained === true), JSON.stringify(server.logs))
})

test('exits 0 after SIGINT', async (t) => {
  const dir = fixtureDir(t)
  const server = await serveFile(t, dataFile(dir))
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGINT')
  t.is(await exited, 0)
})

test('answers requests in flight at SIGTERM correctly, then exits 0', async (t) => {
  const dir = fixtureDir(t)
  const dataPath = join(dir, 'random.txt')
  const spec = { seed: 5 }
  const { lines } = generateDataFile(dataPath, 5_000_000, spec)
  const server = await serveFile(t, dataPath, { args: ['--cache-bytes', '0'] })
  const agent = createPooledAgent(64)
  t.teardown(() => { agent.destroy() })
  const numbers = Array.from({ length: 600 }, (_, i) => 1 + ((i * 7919) % lines))
  let signalled = false
  const outcomes = await Promise.all(numbers.map(async (n) => {
    try {
      const res = await rawRequest(server.url, `/lines/${n}`, { agent })
      if (!signalled) { signalled = true; server.child.kill('SIGTERM') }
      return { n, res }
    } catch (err) {
      return { n, error: (err as NodeJS.ErrnoException).code ?? String(err) }
    }
  }))
  const answered = outcomes.filter((o): o is { n: number, res: RawResponse } => 'res' in o)
  const wrong = answered.filter(({ n, res }) => res.status === 200 ? !res.body.equals(expectedLine(n, spec)) : res.status !== 503)
  t.deepEqual(wrong.map(({ n, res }) => `${n}: ${res.status}`), [], 'every answer is the right line or a 503')
  const errors = outcomes.flatMap((o) => 'error' in o && o.error !== undefined ? [o.error] : [])
  t.true(errors.every((code) => ['ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(code)), errors.join(', '))
  t.log(`${answered.filter((o) => o.res.status === 200).length} answered 200, ${answered.filter((o) => o.res.status === 503).length} answered 503, ${errors.length} connection errors`)
  t.is(await server.stop(), 0)
})

test('finishes sending a 64 MiB line that is in flight at SIGTERM, then exits 0', async (t) => {
  const dir = fixtureDir(t)
  const line = lineFiller(64 * 1024 * 1024, 5)
  const dataPath = join(dir, 'big-line.txt')
  writeFileSync(dataPath, Buffer.concat([Buffer.from('short\n'), line, Buffer.from('\n')]))
  const server = await serveFile(t, dataPath)
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve))
  const body = await new Promise<Buffer>((resolve, reject) => {
    get(`${server.url}/lines/2`, (res) => {
      // Signal once the response has started and hold the rest back for a while, so the
      // transfer is still going when the server begins to drain.
      server.child.kill('SIGTERM')
      res.pause()
      setTimeout(() => { res.resume() }, 500)
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      res.once('end', () => { resolve(Buffer.concat(chunks)) })
      res.once('error', reject)
    }).once('error', reject)
  })
  assertSameBytes(t, body, line, 'line 2')
  t.is(await exited, 0)
  t.true(server.logs.some((entry) => entry.msg === 'stopped' && entry.drained === true), JSON.stringify(server.logs))
})
