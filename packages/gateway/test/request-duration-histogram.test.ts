import test from 'ava'
import { AggregatorRegistry, Histogram, Registry } from 'prom-client'
import { registerRequestDurationHistogram } from '../src/request-duration-histogram.js'
import { REQUEST_DURATION_BUCKETS_SECONDS } from '../src/metrics.js'

const NAME = 'line_server_http_request_duration_seconds'
const HELP = 'Request duration.'

/** Observations on every bucket edge, between edges, below the first and above the last. */
function observations (): Array<[string, number, number]> {
  const seconds = [0, 1e-6, ...REQUEST_DURATION_BUCKETS_SECONDS, ...REQUEST_DURATION_BUCKETS_SECONDS.map((b) => b * 1.5), 60, 3600]
  const out: Array<[string, number, number]> = []
  for (const [i, s] of seconds.entries()) out.push(['/lines/:n', i % 3 === 0 ? 404 : 200, s], ['unmatched', 405, s / 2])
  return out
}

function pair (): { ours: Registry, reference: Registry, observe: (route: string, status: number, seconds: number) => void } {
  const ours = new Registry()
  const reference = new Registry()
  const fast = registerRequestDurationHistogram(ours, { name: NAME, help: HELP, buckets: REQUEST_DURATION_BUCKETS_SECONDS })
  const histogram = new Histogram({ name: NAME, help: HELP, labelNames: ['route', 'status'], buckets: REQUEST_DURATION_BUCKETS_SECONDS, registers: [reference] })
  return {
    ours,
    reference,
    observe: (route, status, seconds) => {
      fast.observe(route, status, seconds)
      histogram.labels(route, String(status)).observe(seconds)
    }
  }
}

test('its exposition text is byte for byte that of prom-client\'s Histogram fed the same observations', async (t) => {
  const { ours, reference, observe } = pair()
  t.is(await ours.metrics(), await reference.metrics(), 'no observations yet')
  for (const [route, status, seconds] of observations()) observe(route, status, seconds)
  const text = await ours.metrics()
  t.is(text, await reference.metrics())
  t.true(text.includes(`${NAME}_bucket{le="+Inf",route="/lines/:n",status="404"}`))
})

test('its JSON form matches prom-client\'s, so cluster workers\' histograms add up the same', async (t) => {
  const workers = [pair(), pair()]
  for (const [i, [route, status, seconds]] of observations().entries()) workers[i % 2]!.observe(route, status, seconds)
  const aggregated = AggregatorRegistry.aggregate(await Promise.all(workers.map(async (w) => await w.ours.getMetricsAsJSON())))
  const expected = AggregatorRegistry.aggregate(await Promise.all(workers.map(async (w) => await w.reference.getMetricsAsJSON())))
  t.is(await aggregated.metrics(), await expected.metrics())
})

test('resetMetrics clears every series, and observing starts again from zero', async (t) => {
  const { ours, observe } = pair()
  for (const [route, status, seconds] of observations()) observe(route, status, seconds)
  ours.resetMetrics()
  t.false((await ours.metrics()).includes('_bucket{'))
  observe('/lines/:n', 200, 0.003)
  t.true((await ours.metrics()).includes(`${NAME}_count{route="/lines/:n",status="200"} 1`))
})
