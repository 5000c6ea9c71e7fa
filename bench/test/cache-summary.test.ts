// How our cache's hit ratio is reported: "hits X% (measured window Y%)" in the text report, the
// measured window's ratio in the README section, and results written before it existed still read.
import test from 'ava'
import type { BenchResults, RunRecord } from '../src/results.js'
import { fmtCacheHits } from '../src/report/format.js'
import { formatCacheSummary } from '../src/report/table.js'

function run (overrides: Partial<RunRecord>): RunRecord {
  return {
    tool: 'autocannon',
    pattern: 'uniform',
    connections: 100,
    system: 'ours',
    label: 'ours',
    processes: 1,
    requestsPerSec: 1000,
    requests: 1000,
    seconds: 1,
    latencyMs: { mean: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 },
    errors: { non2xx: 0, socket: 0, timeouts: 0, total: 0 },
    rssBytes: 1,
    serverCores: 1,
    generatorCores: 1,
    warmup: { seconds: 1, answeredConnections: 100, requests: 10, p99Ms: 1 },
    connectBurstIncluded: false,
    cacheHitRatio: null,
    cacheHitRatioMeasured: null,
    ratioToNginx: null,
    ratioToNode: null,
    ratioBaseline: null,
    ...overrides
  }
}

function resultsOf (runs: RunRecord[], patterns: BenchResults['patterns'] = []): BenchResults {
  return { runs, patterns } as unknown as BenchResults
}

/** A run as results files before cacheHitRatioMeasured stored it: the field absent, not null. */
function oldRun (overrides: Partial<RunRecord>): RunRecord {
  const { cacheHitRatioMeasured: _absent, ...rest } = run(overrides)
  return rest
}

test('a run shows its hits over the whole run and over the measured window', (t) => {
  t.is(fmtCacheHits(run({ cacheHitRatio: 0.539, cacheHitRatioMeasured: 0.671 })), 'hits 53.9% (measured window 67.1%)')
  t.is(fmtCacheHits(run({ cacheHitRatio: 0.5, cacheHitRatioMeasured: null })), 'hits 50.0% (measured window –)')
  t.is(fmtCacheHits(oldRun({ cacheHitRatio: 0.5 })), 'hits 50.0% (warm-up included)')
})

test('the text summary shows both ratios per run, grouped by pattern', (t) => {
  const results = resultsOf([
    run({ cacheHitRatio: 0.1, cacheHitRatioMeasured: 0.2 }),
    run({ system: 'node', label: 'node:http' }),
    run({ pattern: 'hot', cacheHitRatio: 0.8, cacheHitRatioMeasured: 0.9 }),
    run({ tool: 'wrk', cacheHitRatio: 0.3, cacheHitRatioMeasured: 0.3 })
  ])
  t.is(formatCacheSummary(results), 'cache hit ratio of ours (per run): uniform hits 10.0% (measured window 20.0%), hits 30.0% (measured window 30.0%); hot hits 80.0% (measured window 90.0%)')
})

test('the README summary prefers the measured window', (t) => {
  const results = resultsOf([run({ cacheHitRatio: 0.1, cacheHitRatioMeasured: 0.2 }), run({ pattern: 'hot', cacheHitRatio: 0.8, cacheHitRatioMeasured: 0.9 })])
  t.is(formatCacheSummary(results, 'measured'), 'cache hit ratio of ours (per run, measured window): uniform 20.0%; hot 90.0%')
})

test('results written before the measured window was recorded still read, marked as warm-up included', (t) => {
  const results = resultsOf([oldRun({ cacheHitRatio: 0.1 }), oldRun({ pattern: 'hot', cacheHitRatio: 0.8 })])
  t.is(formatCacheSummary(results, 'measured'), 'cache hit ratio of ours (per run, warm-up included): uniform 10.0%; hot 80.0%')
  t.is(formatCacheSummary(results), 'cache hit ratio of ours (per run): uniform hits 10.0% (warm-up included); hot hits 80.0% (warm-up included)')
})

test('there is no summary when no run of ours recorded a ratio', (t) => {
  t.is(formatCacheSummary(resultsOf([run({ system: 'node' }), run({ cacheHitRatio: null })])), undefined)
})

test('the summary names the most a cache starting empty could answer of each pattern\'s request list', (t) => {
  const results = resultsOf(
    [run({ pattern: 'hot', cacheHitRatio: 0.7, cacheHitRatioMeasured: 0.75 })],
    [{ name: 'hot', distinctLines: 10, top1000Share: 0.5, repeatShare: 0.8 }, { name: 'uniform', distinctLines: 10, top1000Share: 0.1, repeatShare: 0.05 }]
  )
  const summary = formatCacheSummary(results) ?? ''
  t.true(summary.includes('could answer at most: hot 80.0% of a request list'), summary)
  t.false(summary.includes('uniform 5.0%'), 'only patterns with a ratio of ours')
})
