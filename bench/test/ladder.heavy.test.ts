// Smoke test of the cost ladder: one round over two rungs (the bottom one and the LineEngine
// one, which loads the engine through the gateway) on a 4 MiB file, checking the JSON's shape —
// not any speed (benchmarks are not tests). Registered as skipped when wrk is not installed.
import test from 'ava'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from '@line-server/testkit'
import type { LadderResults } from '../src/ladder/ladder-results.js'
import { findBinary } from '../src/tools.js'

const MAIN = fileURLToPath(new URL('../src/ladder/main.js', import.meta.url))
const wrkInstalled = findBinary('wrk') !== undefined
const ladderTest = wrkInstalled ? test : test.skip

ladderTest(`a one-round ladder over two rungs writes results where every rung served requests${wrkInstalled ? '' : ' (skipped: wrk is not installed)'}`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-smoke-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const jsonPath = join(dir, 'ladder.json')
  const run = await runCommand([MAIN, '--size', '4M', '--rounds', '1', '--duration', '1', '--warmup', '0', '--connections', '4',
    '--rungs', 'koa-line-engine,http-const', '--data-dir', join(dir, 'data'), '--json', jsonPath, '--no-install'])
  t.is(run.code, 0, run.stderr + run.stdout)
  t.regex(run.stdout, /^http-const\s+[\d,]+\s/m)

  const results = JSON.parse(readFileSync(jsonPath, 'utf8')) as LadderResults
  t.is(results.schema, 1)
  t.is(results.kind, 'ladder')
  t.true(results.data.lines > 0)
  t.is(results.wrk.connections, 4)
  t.deepEqual(results.rungs.map((r) => r.name), ['http-const', 'koa-line-engine'], 'ladder order, not the order asked')
  for (const rung of results.rungs) {
    t.is(rung.rounds.length, 1)
    const [round] = rung.rounds
    t.is(round?.failure, undefined, `${rung.name}: ${round?.failure ?? ''}`)
    t.true((round?.requests ?? 0) > 0, `${rung.name}: requests`)
    t.true((round?.mainThreadUsPerRequest ?? 0) > 0, `${rung.name}: main-thread µs per request`)
    t.true((round?.processCpuSeconds ?? 0) >= (round?.mainThreadCpuSeconds ?? 0), `${rung.name}: the process includes its main thread`)
    t.true((rung.median?.requestsPerSec ?? 0) > 0)
    t.true((rung.ratioToHttpConst ?? 0) > 0)
    t.is(rung.ratioToOurs, null, 'ours did not run')
  }
  t.is(results.rungs[0]?.ratioToHttpConst, 1)
  t.is(results.rungs[1]?.addedMainThreadUsPerRequest, null, 'koa-line-engine builds on koa-worker-reads, which did not run')
})

const pinnable = wrkInstalled && availableParallelism() >= 2
const pinnedTest = pinnable ? test : test.skip

pinnedTest(`--pin runs the server and one wrk thread on CPUs of their own${pinnable ? '' : ' (skipped: needs wrk and 2 CPUs)'}`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-pin-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const jsonPath = join(dir, 'ladder.json')
  const run = await runCommand([MAIN, '--size', '4M', '--rounds', '1', '--duration', '1', '--warmup', '0', '--connections', '4',
    '--rungs', 'http-const', '--pin', '--data-dir', join(dir, 'data'), '--json', jsonPath, '--no-install'])
  t.is(run.code, 0, run.stderr + run.stdout)
  t.regex(run.stdout, /server pinned to CPU 0, wrk to CPU 1/)
  const results = JSON.parse(readFileSync(jsonPath, 'utf8')) as LadderResults
  t.is(results.options.pin, true)
  t.is(results.wrk.threads, 1)
  const round = results.rungs[0]?.rounds[0]
  t.is(round?.failure, undefined, round?.failure ?? '')
  t.true((round?.requests ?? 0) > 0)
  // A server held to one CPU can never use more than one core.
  t.true((round?.processCores ?? 2) <= 1.05, `process cores ${round?.processCores ?? '?'}`)
})
