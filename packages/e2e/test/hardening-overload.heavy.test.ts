// Overload: thousands of requests in flight at once against a small lookup queue (--max-pending
// 64, no cache, so every request is a lookup). The excess is shed with 503 ERR_OVERLOADED and
// Retry-After, nothing hangs, memory stays bounded, and the server serves normally afterwards.
import test from 'ava'
import { join } from 'node:path'
import { expectedLine, generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { residentBytes } from './helpers/server.js'
import { isHealthy } from './helpers/hardening-raw-http.js'
import { hardFdLimit, sampleResidentBytes, serveWithFdLimit, startSocketClient } from './helpers/hardening-processes.js'

const SEED = 41
const MIB = 1024 * 1024
const CONNECTIONS = 4000
const RSS_BOUND_BYTES = 400 * MIB

test('sheds a flood of 4,000 concurrent requests with 503 ERR_OVERLOADED and Retry-After, never hangs, and recovers', async (t) => {
  const dir = fixtureDir(t, 'hardening-overload-')
  const dataPath = join(dir, 'data.txt')
  const { lines } = generateDataFile(dataPath, 8 * MIB, { seed: SEED })
  const fdLimit = Math.min(hardFdLimit(), 65_536)
  const server = await serveWithFdLimit(t, dataPath, fdLimit, {
    args: ['--max-pending', '64', '--cache-bytes', '0', '--index-dir', join(dir, 'index')]
  })
  const idleRss = residentBytes(server.child.pid!)
  const rss = sampleResidentBytes(t, server.child.pid!, 50, residentBytes)
  const client = startSocketClient(t, { kind: 'flood', port: server.port, connections: CONNECTIONS, requestsPerConnection: 3, lines, seed: SEED, responseTimeoutMs: 60_000 }, fdLimit)
  const opened = await client.next('opened', 120_000)
  t.log('flood connections:', opened)
  const flood = await client.next('flooded', 300_000)
  const { peak, samples } = rss.stop()
  t.log('flood:', flood)
  t.log(`server RSS: ${(idleRss / MIB).toFixed(0)} MiB idle, peak ${(peak / MIB).toFixed(0)} MiB during the flood (${samples} samples)`)
  if (opened.type !== 'opened' || flood.type !== 'flooded') return
  t.is(opened.opened, CONNECTIONS, 'every connection was accepted')
  t.is(flood.hung, 0, 'no request went unanswered')
  t.deepEqual(flood.errors, {}, 'no connection was dropped')
  t.is(flood.requests, CONNECTIONS * 3)
  t.deepEqual(Object.keys(flood.statuses).sort(), ['200', '503'], 'only lines and 503s')
  t.deepEqual(Object.keys(flood.codes), ['ERR_OVERLOADED'], 'every 503 is ERR_OVERLOADED')
  t.true((flood.statuses['503'] ?? 0) > 0, 'the queue bound shed some load')
  t.true((flood.statuses['200'] ?? 0) > 0, 'lines were served during the flood')
  t.is(flood.missingRetryAfter, 0, 'every 503 carries Retry-After')
  t.is(flood.wrongBodies, 0, 'every 200 carried its own line')
  t.true(peak < RSS_BOUND_BYTES, `peak RSS ${(peak / MIB).toFixed(0)} MiB`)
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  t.log(metrics.split('\n').filter((l) => /^line_server_engine_(rejected|batches|batched_lines)_total /.test(l)).join('; '))

  // Afterwards, ordinary requests all succeed again.
  let ok = 0
  for (let i = 0; i < 200; i++) {
    const n = 1 + ((i * 104_729) % lines)
    const res = await fetch(`${server.url}/lines/${n}`)
    if (res.status === 200 && Buffer.from(await res.arrayBuffer()).equals(expectedLine(n, { seed: SEED }))) ok++
  }
  t.is(ok, 200, 'requests after the flood')
  t.true(await isHealthy(server.port))
})
