// Smoke test of the harness: a tiny run (8 MiB file, 10 connections, 1 s) against our server and
// the node:http baseline, checking the JSON's shape — not any speed (benchmarks are not tests).
import test from 'ava'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from '@line-server/testkit'
import type { BenchResults } from '../src/results.js'

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url))

test('a tiny run, each cell twice, writes results with non-zero req/s and no errors for every system', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const run = await runCommand([MAIN, '--size', '8M', '--connections', '10', '--duration', '1', '--warmup', '0.5',
    '--systems', 'ours,node', '--tools', 'autocannon', '--patterns', 'uniform,hot', '--paths', '20000', '--no-cold', '--repeat', '2',
    '--data-dir', join(dir, 'data'), '--results-dir', join(dir, 'results')])
  t.is(run.code, 0, run.stderr + run.stdout)
  t.regex(run.stdout, /autocannon · uniform · 10 connections/)

  const results = JSON.parse(readFileSync(join(dir, 'results', 'latest.json'), 'utf8')) as BenchResults
  t.is(results.schema, 1)
  t.true(results.data.lines > 0)
  t.deepEqual(results.systems.map((s) => s.name), ['ours', 'node'])
  t.is(results.runs.length, 4)
  for (const r of results.runs) {
    t.is(r.failure, undefined)
    t.true(r.requestsPerSec > 0, `${r.system} ${r.pattern}: req/s`)
    t.is(r.errors.total, 0, `${r.system} ${r.pattern}: errors`)
    t.true(r.latencyMs.p99 >= r.latencyMs.p50 && r.latencyMs.p50 > 0)
    t.true(r.rssBytes > 0)
    t.is(r.connections, 10)
  }
  // Stored in the systems' order, one record per system and cell: the faster of its two
  // repetitions, which ran in both orders.
  t.deepEqual(results.runs.map((r) => [r.pattern, r.system]), [['uniform', 'ours'], ['uniform', 'node'], ['hot', 'ours'], ['hot', 'node']])
  for (const r of results.runs) {
    t.is(r.repeatRequestsPerSec?.length, 2, `${r.system} ${r.pattern}`)
    t.is(r.requestsPerSec, Math.max(...r.repeatRequestsPerSec!))
    t.true(r.positionInCell === 1 || r.positionInCell === 2)
  }
  t.regex(run.stdout, /median of 2 runs/)
  const ours = results.runs.find((r) => r.system === 'ours' && r.pattern === 'uniform')
  t.is(ours?.ratioBaseline, 'node')
  t.is(typeof ours?.cacheHitRatio, 'number')
  t.is(typeof ours?.cacheHitRatioMeasured, 'number', 'the hit ratio over the measured window alone')
  t.is(results.runs.find((r) => r.system === 'node')?.cacheHitRatioMeasured, null)
  t.true((ours?.ratioToNode ?? 0) > 0)
  t.truthy(results.index)
  t.true((results.index?.warm[0]?.gbPerSec ?? 0) > 0)
  t.true((results.index?.restartSeconds.median ?? 0) > 0)
  t.true((results.index?.indexBytesPerLine ?? 0) > 0)
  t.regex(readFileSync(join(dir, 'results', 'latest.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/)
})
