// Smoke run of the balancer throughput measurement (docs/operations.md quotes the full run):
// every configuration serves its requests without an error. No duration is asserted.
import test from 'ava'
import { measureLbThroughput } from '../src/lb-throughput.js'
import { ensurePackages } from '../src/system-packages.js'

test('the balancer throughput measurement runs every configuration without errors', async (t) => {
  await ensurePackages('haproxy', 'wrk')
  const rows = await measureLbThroughput({ seconds: 1, warmupSeconds: 0, connections: 8, wrkThreads: 1, dataBytes: 4 * 1024 * 1024, maxLine: 20_000 })
  t.deepEqual(rows.map((r) => r.name), ['direct (1 server process)', 'haproxy -> 1 server process', 'haproxy -> 2 server processes'])
  for (const r of rows) {
    t.log(`${r.name}: ${Math.round(r.requestsPerSecond)} req/s, p99 ${(r.p99Us / 1000).toFixed(2)} ms, ratio ${r.ratio.toFixed(2)}`)
    t.true(r.requests > 0, r.name)
    t.is(r.connectErrors + r.readErrors + r.writeErrors + r.timeouts + r.non2xx, 0, r.name)
  }
})
