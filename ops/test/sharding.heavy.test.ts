// Sharded serving end to end: servers started with --line-range behind the HAProxy config that
// lb/generate-shards.mjs writes. Skipped while the server has no --line-range option.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LINE_SERVER_BIN, expectedLine, generateDataFile, startServer, type ServerProcess } from '@line-server/testkit'
import { startHaproxy, waitForServers, type HaproxyProcess } from '../src/haproxy-process.js'
import { generated, runGenerateShards } from '../src/lb-generators.js'
import { ensurePackages } from '../src/system-packages.js'

const help = spawnSync(process.execPath, [LINE_SERVER_BIN, 'serve', '--help'], { encoding: 'utf8' }).stdout ?? ''
const supported = help.includes('--line-range')
const shardTest = supported ? test.serial : test.skip
const title = (text: string): string => supported ? text : `${text} (skipped: line-server serve --help does not list --line-range yet)`

const SPEC = { seed: 31 }
interface Shard { first: number, last: number, servers: ServerProcess[], backend: string }
interface Context { dir: string, lines: number, shards: Shard[], haproxy?: HaproxyProcess }
const ctx: Context = { dir: '', lines: 0, shards: [] }

if (supported) {
  test.before(async () => {
    await ensurePackages('haproxy')
    ctx.dir = mkdtempSync(join(tmpdir(), 'ops-sharding-test-'))
    const file = join(ctx.dir, 'data.txt')
    ctx.lines = generateDataFile(file, 1024 * 1024, SPEC).lines
    // Shard 1 has two replicas, the others one; the last ends at the file's last line.
    for (const [first, last, replicas] of [[1, 3000, 2], [3001, 7000, 1], [7001, ctx.lines, 1]] as const) {
      const servers: ServerProcess[] = []
      for (let i = 0; i < replicas; i++) {
        servers.push(await startServer(file, { args: ['--threads', '1', '--index-threads', '1', '--line-range', `${first}-${last}`] }))
      }
      ctx.shards.push({ first, last, servers, backend: `shard_${first}_${last}` })
    }
    const list = ctx.shards.map((s) => ({ lines: `${s.first}-${s.last}`, servers: s.servers.map((p) => `127.0.0.1:${p.port}`) }))
    ctx.haproxy = await startHaproxy((bind, stats) => generated(runGenerateShards(list, ['--bind', bind, '--stats', stats, '--check-interval-ms', '500', '--debug-headers'])))
    for (const shard of ctx.shards) await waitForServers(ctx.haproxy, shard.backend, (status) => status === 'UP')
  })

  test.after.always(async () => {
    await ctx.haproxy?.stop()
    await Promise.all(ctx.shards.flatMap((s) => s.servers).map(async (s) => await s.stop()))
    if (ctx.dir !== '') rmSync(ctx.dir, { recursive: true, force: true })
  })
}

shardTest(title('routes every line to the shard that serves it, byte for byte'), async (t) => {
  const boundaries = ctx.shards.flatMap((s) => [s.first, s.first + 1, s.last - 1, s.last])
  const sample = Array.from({ length: 150 }, (_, i) => 1 + ((i * 7919) % ctx.lines))
  for (const n of [...boundaries, ...sample]) {
    const response = await fetch(`${ctx.haproxy!.url}/lines/${n}`)
    const owner = ctx.shards.find((s) => n >= s.first && n <= s.last)!
    t.is(response.status, 200, `line ${n}`)
    t.is(response.headers.get('x-line-server-backend'), owner.backend, `line ${n}`)
    t.true(Buffer.from(await response.arrayBuffer()).equals(expectedLine(n, SPEC)), `line ${n}`)
  }
})

shardTest(title('leading zeros route by the number they spell'), async (t) => {
  const response = await fetch(`${ctx.haproxy!.url}/lines/0003001`)
  t.is(response.status, 200)
  t.is(response.headers.get('x-line-server-backend'), 'shard_3001_7000')
  t.true(Buffer.from(await response.arrayBuffer()).equals(expectedLine(3001, SPEC)))
})

shardTest(title('lines past the last shard get 413 from the last shard'), async (t) => {
  const last = ctx.shards.at(-1)!
  for (const n of [`${ctx.lines + 1}`, `${ctx.lines + 5000}`, '99999999999999999999999']) {
    const response = await fetch(`${ctx.haproxy!.url}/lines/${n}`)
    t.is(response.status, 413, n)
    t.is((await response.json() as { code: string }).code, 'ERR_LINE_OUT_OF_RANGE', n)
    t.is(response.headers.get('x-line-server-backend'), last.backend, n)
  }
})

shardTest(title('what is not a line number gets 400 through the balancer'), async (t) => {
  for (const path of ['/lines/abc', '/lines/0', '/lines/-5', '/lines/5x']) {
    const response = await fetch(`${ctx.haproxy!.url}${path}`)
    t.is(response.status, 400, path)
    t.is((await response.json() as { code: string }).code, 'ERR_INVALID_LINE_NUMBER', path)
  }
})

shardTest(title('a shard asked directly for another shard\'s line answers 404 ERR_LINE_NOT_IN_SHARD'), async (t) => {
  const response = await fetch(`${ctx.shards[0]!.servers[0]!.url}/lines/${ctx.shards[1]!.first}`)
  t.is(response.status, 404)
  t.is((await response.json() as { code: string }).code, 'ERR_LINE_NOT_IN_SHARD')
})
