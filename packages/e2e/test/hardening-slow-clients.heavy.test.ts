// Slow and idle clients: a thousand sockets dribbling header bytes are cut at the headers
// timeout, and ten thousand idle keep-alive connections are held until the keep-alive timeout,
// while ordinary clients keep getting their lines. The sockets live in a child process with its
// own raised fd limit; the server gets one too.
//
// What Node 20 does (measured here): the headers timeout covers a connection from its first
// byte of a request (or from accept, for a connection that sends nothing) until the headers are
// complete; it is enforced by a sweep every connectionsCheckingInterval, so a slow client goes
// at headersTimeout + up to one interval, answered "408 Request Timeout". A connection idle
// between keep-alive requests is not in that sweep: only keepAliveTimeout closes it (Node adds
// about a second to it).
import test from 'ava'
import { join } from 'node:path'
import { generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { residentBytes } from './helpers/server.js'
import { isHealthy } from './helpers/hardening-raw-http.js'
import { hardFdLimit, sampleResidentBytes, serveWithFdLimit, startSocketClient } from './helpers/hardening-processes.js'
import { trafficUntil } from './helpers/hardening-traffic.js'

const SEED = 11
const HEADERS_TIMEOUT_MS = 2000
const MIB = 1024 * 1024

test.serial('cuts 1,000 clients that dribble header bytes at the headers timeout while other clients are served', async (t) => {
  const dir = fixtureDir(t, 'hardening-slow-')
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 2 * MIB, { seed: SEED })
  const fdLimit = Math.min(hardFdLimit(), 65_536)
  const server = await serveWithFdLimit(t, dataPath, fdLimit, {
    args: ['--headers-timeout-ms', String(HEADERS_TIMEOUT_MS), '--request-timeout-ms', '10000', '--index-dir', join(dir, 'index')]
  })
  const client = startSocketClient(t, { kind: 'dribble', port: server.port, count: 1000, maxMs: 30_000 }, fdLimit)
  const done = client.next('done', 60_000)
  const traffic = trafficUntil(server.url, { seed: SEED, lines, concurrency: 4 }, done.catch(() => {}))
  const opened = await client.next('opened', 60_000)
  t.log('dribbling clients:', opened)
  t.is(opened.type === 'opened' && opened.opened, 1000, 'every slow client connected')
  const result = await done
  const served = await traffic
  t.log('dribbling clients at the end:', result)
  t.log(`ordinary requests while they dribbled: ${served.ok} ok, ${served.failed} failed, latency ms ${JSON.stringify(served.latencyMs)}`, served.failures)
  if (result.type !== 'done') return
  t.is(result.open, 0, 'every slow client was disconnected')
  // Cut no earlier than the timeout, and no later than the timeout plus a generous allowance
  // for the sweep interval and a busy machine.
  t.true(result.closeAfterMs.min >= HEADERS_TIMEOUT_MS - 100, `earliest cut after ${result.closeAfterMs.min} ms`)
  t.true(result.closeAfterMs.max <= HEADERS_TIMEOUT_MS + 6000, `latest cut after ${result.closeAfterMs.max} ms`)
  t.deepEqual(Object.keys(result.firstLines), ['HTTP/1.1 408 Request Timeout'])
  t.true(served.ok > 0, 'ordinary clients got lines while the slow ones dribbled')
  t.is(served.failed, 0)
  t.true(await isHealthy(server.port))
})

test.serial('holds 10,000 idle keep-alive connections until the keep-alive timeout while other clients are served', async (t) => {
  const dir = fixtureDir(t, 'hardening-idle-')
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 2 * MIB, { seed: SEED })
  const hard = hardFdLimit()
  // Each side of 10,000 connections needs 10,000 fds plus its own few hundred.
  const count = Math.min(10_000, hard - 500)
  if (count < 10_000) t.log(`the hard open-files limit is ${hard}: holding ${count} connections instead of 10,000`)
  const fdLimit = Math.min(hard, 65_536)
  const keepAliveTimeoutMs = 20_000
  const server = await serveWithFdLimit(t, dataPath, fdLimit, {
    args: ['--headers-timeout-ms', String(HEADERS_TIMEOUT_MS), '--request-timeout-ms', '5000', '--keep-alive-timeout-ms', String(keepAliveTimeoutMs), '--index-dir', join(dir, 'index')]
  })
  const rss = sampleResidentBytes(t, server.child.pid!, 200, residentBytes)
  const holdMs = 12_000
  const client = startSocketClient(t, { kind: 'idle-keep-alive', port: server.port, count, lines, holdMs, observeMs: keepAliveTimeoutMs + 15_000 }, fdLimit)
  const opened = await client.next('opened', 120_000)
  t.log('idle connections opened:', opened)
  if (opened.type !== 'opened') return
  t.is(opened.opened, count, 'every connection got its first line')
  const held = client.next('held', holdMs + 30_000)
  const served = await trafficUntil(server.url, { seed: SEED, lines, concurrency: 4 }, held.catch(() => {}))
  const holding = await held
  t.log(`held for ${holdMs} ms after the last one opened (headers timeout ${HEADERS_TIMEOUT_MS} ms, keep-alive timeout ${keepAliveTimeoutMs} ms):`, holding)
  t.log(`ordinary requests meanwhile: ${served.ok} ok, ${served.failed} failed, latency ms ${JSON.stringify(served.latencyMs)}`, served.failures)
  t.log(`server RSS peak while holding: ${(rss.stop().peak / MIB).toFixed(0)} MiB`)
  if (holding.type !== 'held') return
  // Closed only by the keep-alive timeout: a connection opened early in a slow opening phase
  // may reach it before the hold ends, but none may go sooner.
  t.true(holding.closedEarly === 0 || holding.closedIdleMs.min >= keepAliveTimeoutMs - 500, `closed after only ${holding.closedIdleMs.min} ms idle`)
  t.true(served.ok > 0)
  t.is(served.failed, 0)
  const end = await client.next('done', keepAliveTimeoutMs + 60_000)
  t.log('after the keep-alive timeout:', end)
  if (end.type !== 'done') return
  t.is(end.open, 0, 'every idle connection was closed after the keep-alive timeout')
  t.true(end.closeAfterMs.min >= keepAliveTimeoutMs - 500, `earliest close after ${end.closeAfterMs.min} ms idle`)
  t.true(await isHealthy(server.port))
})
