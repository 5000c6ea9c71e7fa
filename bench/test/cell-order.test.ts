import test from 'ava'
import { cellOrder, medianRun } from '../src/harness.js'
import { parseOptions } from '../src/options.js'
import type { RunRecord } from '../src/results.js'
import { cellTitle } from '../src/report/table.js'

test('each cell rotates the systems by one more place, so each runs first equally often', (t) => {
  const systems = ['ours', 'nginx', 'node'] as const
  t.deepEqual(cellOrder(systems, 0), ['ours', 'nginx', 'node'])
  t.deepEqual(cellOrder(systems, 1), ['nginx', 'node', 'ours'])
  t.deepEqual(cellOrder(systems, 2), ['node', 'ours', 'nginx'])
  t.deepEqual(cellOrder(systems, 3), ['ours', 'nginx', 'node'])
  const firsts = new Map<string, number>()
  for (let cell = 0; cell < 18; cell++) {
    const order = cellOrder(systems, cell)
    t.deepEqual([...order].sort(), [...systems].sort(), 'every system runs in every cell')
    firsts.set(order[0]!, (firsts.get(order[0]!) ?? 0) + 1)
  }
  t.deepEqual([...firsts.values()], [6, 6, 6])
})

test('one system, or none, runs as given', (t) => {
  t.deepEqual(cellOrder(['ours'], 5), ['ours'])
  t.deepEqual(cellOrder([], 3), [])
})

function run (requestsPerSec: number, failure?: string): RunRecord {
  return { tool: 'wrk', pattern: 'uniform', connections: 100, system: 'ours', label: 'ours', requestsPerSec, latencyMs: { p99: requestsPerSec / 1000 }, seconds: 6, connectBurstIncluded: false, ...(failure === undefined ? {} : { failure }) } as unknown as RunRecord
}

test('a repeated cell keeps each system\'s median run, with every repetition\'s req/s', (t) => {
  const kept = medianRun([run(300), run(100), run(200)])
  t.is(kept.requestsPerSec, 200)
  t.is(kept.latencyMs.p99, 0.2, 'the median run\'s own latency, not a mix')
  t.deepEqual(kept.repeatRequestsPerSec, [300, 100, 200], 'in the order they ran')
  t.is(medianRun([run(100), run(300)]).requestsPerSec, 300, 'the upper middle of an even count')
})

test('failed repetitions are left out of the median; all failed keeps the first failure', (t) => {
  t.is(medianRun([run(0, 'refused'), run(100), run(200), run(0, 'timeout')]).requestsPerSec, 200)
  const failed = medianRun([run(0, 'refused'), run(0, 'timeout')])
  t.is(failed.failure, 'refused')
  t.deepEqual(failed.repeatRequestsPerSec, [0, 0])
})

test('a cell run once keeps that run as it was', (t) => {
  const once = medianRun([run(150)])
  t.is(once.requestsPerSec, 150)
  t.is(once.repeatRequestsPerSec, undefined)
})

test('--repeat defaults to 1, takes positive integers, and the table title says what a row is', (t) => {
  t.like(parseOptions([]), { kind: 'ok', options: { repeat: 1 } })
  t.like(parseOptions(['--repeat', '5']), { kind: 'ok', options: { repeat: 5 } })
  for (const bad of ['0', '-2', '1.5', 'x']) t.is(parseOptions([`--repeat=${bad}`]).kind, 'invalid', bad)
  const repeated = { ...run(200), repeatRequestsPerSec: [100, 200, 300] }
  t.regex(cellTitle({ tool: 'wrk', pattern: 'uniform', connections: 100, runs: [repeated] }), /each system's median of 3 runs by req\/s/)
  t.notRegex(cellTitle({ tool: 'wrk', pattern: 'uniform', connections: 100, runs: [run(200)] }), /median/)
})
