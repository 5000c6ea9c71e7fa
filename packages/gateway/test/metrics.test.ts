import test from 'ava'
import { fakeSource, serveApp } from './helpers/serve-app.js'

const MANY_LINES = Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`)

/** Every label set in an exposition text, e.g. `le="0.1",route="/lines/:n",status="200"`. */
function labelSets (text: string): string[] {
  return [...text.matchAll(/^[a-z_:][a-z0-9_:]*\{([^}]*)\}/gim)].map((m) => m[1]!)
}

test('exposes Prometheus text with the request histogram labelled by route and status', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(MANY_LINES) })
  await fetch(`${url}/lines/12`)
  await fetch(`${url}/lines/abc`)
  await fetch(`${url}/lines/5001`)
  await fetch(`${url}/nowhere`)
  const response = await fetch(`${url}/metrics`)
  t.is(response.status, 200)
  t.regex(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  const text = await response.text()
  t.true(text.includes('# TYPE line_server_http_request_duration_seconds histogram'))
  for (const status of ['200', '400', '413']) {
    t.true(text.includes(`line_server_http_request_duration_seconds_count{route="/lines/:n",status="${status}"} 1`), status)
    t.true(text.includes(`line_server_http_request_duration_seconds_bucket{le="+Inf",route="/lines/:n",status="${status}"} 1`), status)
  }
  t.true(text.includes('line_server_http_request_duration_seconds_count{route="unmatched",status="404"} 1'))
})

test('never puts a line number into a label', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(MANY_LINES) })
  for (const path of ['/lines/4242', '/lines/98765432', '/lines/31337abc', '/lines/4242/extra', '/lines/000000277']) await fetch(`${url}${path}`)
  const text = await (await fetch(`${url}/metrics`)).text()
  const sets = labelSets(text)
  t.true(sets.length > 0)
  for (const set of sets) {
    for (const number of ['4242', '98765432', '31337', '277']) t.false(set.includes(number), `${set} carries ${number}`)
  }
  for (const set of sets.filter((s) => s.includes('route='))) t.regex(set, /route="(\/lines\/:n|\/metrics|\/healthz|\/readyz|unmatched)"/)
})

test('counts cache hits and misses', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(MANY_LINES) })
  // Each line is cached on its first miss while the cache has room.
  for (let i = 0; i < 4; i++) await fetch(`${url}/lines/7`)
  await fetch(`${url}/lines/8`)
  const text = await (await fetch(`${url}/metrics`)).text()
  t.regex(text, /^line_server_cache_hits_total 3$/m)
  t.regex(text, /^line_server_cache_misses_total 2$/m)
  t.regex(text, /^line_server_lines_served_total 5$/m)
  t.regex(text, /^line_server_bytes_served_total 30$/m)
  t.regex(text, /^line_server_cache_entries 2$/m)
  t.regex(text, /^line_server_cache_memory_bytes 1179648$/m, 'one slab: 16384 blocks of 64 bytes and two Int32 slots')
  t.regex(text, /^line_server_ready 1$/m)
})

test('reports not ready before a source is set', async (t) => {
  const { url } = await serveApp(t)
  t.regex(await (await fetch(`${url}/metrics`)).text(), /^line_server_ready 0$/m)
})

test('two apps in one process keep separate metrics', async (t) => {
  const first = await serveApp(t, { source: fakeSource(MANY_LINES) })
  const second = await serveApp(t, { source: fakeSource(MANY_LINES) })
  await fetch(`${first.url}/lines/1`)
  await fetch(`${first.url}/lines/1`)
  t.regex(await (await fetch(`${first.url}/metrics`)).text(), /^line_server_lines_served_total 2$/m)
  t.regex(await (await fetch(`${second.url}/metrics`)).text(), /^line_server_lines_served_total 0$/m)
})

test('leaves /metrics to its own listener when told to', async (t) => {
  const { url } = await serveApp(t, { source: fakeSource(MANY_LINES), app: { serveMetrics: false } })
  t.is((await fetch(`${url}/metrics`)).status, 404)
})
