// Data files as users name and share them: unusual file names, symlinks, and several servers
// starting at once on a file that has no index yet (they race to write the same index file).
import test from 'ava'
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expectedLine, generateDataFile, type DataSpec } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { rawRequest } from './helpers/http.js'
import { assertLineResponse, serveFile, servingLog } from './helpers/server.js'

const SPEC: DataSpec = { seed: 3 }

test('serves a file whose path has spaces, quotes and non-ASCII characters', async (t) => {
  const dir = join(fixtureDir(t), 'dir with spaces ☕')
  const dataPath = join(dir, 'my "data" file — été.txt')
  mkdirSync(dir)
  writeFileSync(dataPath, 'first\nsecond\n')
  const server = await serveFile(t, dataPath)
  t.like(servingLog(server), { file: dataPath, indexPath: `${dataPath}.lidx`, lines: 2 })
  assertLineResponse(t, await rawRequest(server.url, '/lines/2'), Buffer.from('second'), 'line 2')
})

test('serves a file through a symlink and keeps the index next to the link', async (t) => {
  const dir = fixtureDir(t)
  const target = join(dir, 'real.txt')
  writeFileSync(target, 'via a link\n')
  const link = join(dir, 'link.txt')
  symlinkSync(target, link)
  const server = await serveFile(t, link)
  t.like(servingLog(server), { lines: 1 })
  t.true(existsSync(String(servingLog(server).indexPath)))
  assertLineResponse(t, await rawRequest(server.url, '/lines/1'), Buffer.from('via a link'), 'line 1')
})

test('three servers started at once on an unindexed file all serve it, and one index file remains', async (t) => {
  const dir = fixtureDir(t)
  const dataPath = join(dir, 'shared.txt')
  const { lines } = generateDataFile(dataPath, 8_000_000, SPEC)
  const servers = await Promise.all([1, 2, 3].map(async () => await serveFile(t, dataPath)))
  for (const server of servers) {
    t.like(servingLog(server), { lines })
    for (const n of [1, Math.floor(lines / 3), lines]) {
      assertLineResponse(t, await rawRequest(server.url, `/lines/${n}`), expectedLine(n, SPEC), `line ${n}`)
    }
  }
  t.deepEqual(readdirSync(dir).sort(), ['shared.txt', 'shared.txt.lidx'], 'no temp index files are left behind')
  for (const server of servers) t.is(await server.stop(), 0)
  const again = await serveFile(t, dataPath)
  t.like(servingLog(again), { indexBuilt: false, lines })
})

test('sends line bytes as stored even when the client accepts gzip', async (t) => {
  const dir = fixtureDir(t)
  const dataPath = join(dir, 'text.txt')
  const line = 'compressible '.repeat(500)
  writeFileSync(dataPath, `${line}\n`)
  const server = await serveFile(t, dataPath)
  const res = await rawRequest(server.url, '/lines/1', { headers: { 'accept-encoding': 'gzip, deflate, br' } })
  t.is(res.headers['content-encoding'], undefined)
  assertLineResponse(t, res, Buffer.from(line), 'line 1')
})
