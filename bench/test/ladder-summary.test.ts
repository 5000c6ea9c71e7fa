// The ladder's arithmetic and command line: medians over the rounds that did not fail, ratios
// to http-const and ours, the µs a rung adds over the one it builds on, and option parsing.
import test from 'ava'
import { median, summarizeRungs, type RungRound } from '../src/ladder/ladder-results.js'
import { parseLadderOptions } from '../src/ladder/ladder-options.js'
import { RUNG_NAMES, RUNGS, type RungName } from '../src/ladder/rungs.js'

function round (rung: RungName, n: number, requestsPerSec: number, mainThreadUsPerRequest: number, failure?: string): RungRound {
  return {
    rung,
    round: n,
    requests: requestsPerSec * 4,
    seconds: 4,
    requestsPerSec,
    errors: 0,
    mainThreadCpuSeconds: requestsPerSec * 4 * mainThreadUsPerRequest / 1e6,
    processCpuSeconds: 4,
    cpuWindowSeconds: 4,
    mainThreadUsPerRequest,
    mainThreadCores: 0.9,
    processCores: 1,
    ...(failure === undefined ? {} : { failure })
  }
}

test('median of odd and even counts', (t) => {
  t.is(median([3, 1, 2]), 2)
  t.is(median([4, 1, 3, 2]), 2.5)
})

test('summaries take medians over the rounds that did not fail, and ratios to http-const and ours', (t) => {
  const rounds = [
    round('http-const', 1, 50_000, 18), round('http-const', 2, 40_000, 20), round('http-const', 3, 0, 0, 'exited'),
    round('koa-router-const', 1, 30_000, 30), round('koa-router-const', 2, 20_000, 31), round('koa-router-const', 3, 25_000, 29),
    round('ours', 1, 22_500, 35)
  ]
  const [http, koa, ours] = summarizeRungs(['http-const', 'koa-router-const', 'ours'], rounds)
  t.is(http?.median?.requestsPerSec, 45_000)
  t.is(http?.median?.mainThreadUsPerRequest, 19)
  t.is(http?.rounds.length, 3)
  t.is(http?.ratioToHttpConst, 1)
  t.is(http?.ratioToOurs, 2)
  t.is(koa?.median?.requestsPerSec, 25_000)
  t.is(koa?.addedMainThreadUsPerRequest, 30 - 19)
  t.is(ours?.ratioToHttpConst, 0.5)
  t.is(ours?.addedMainThreadUsPerRequest, null, 'koa-line-engine, which ours builds on, did not run')
})

test('a rung whose every round failed has no median and no ratios', (t) => {
  const [http, koa] = summarizeRungs(['http-const', 'koa-router-const'], [round('http-const', 1, 0, 0, 'failed'), round('koa-router-const', 1, 30_000, 30)])
  t.is(http?.median, null)
  t.is(http?.ratioToHttpConst, null)
  t.is(koa?.ratioToHttpConst, null)
  t.is(koa?.addedMainThreadUsPerRequest, null)
})

test('every rung builds on one before it in the ladder, or on none', (t) => {
  for (const [i, name] of RUNG_NAMES.entries()) {
    const below = RUNGS[name].buildsOn
    if (below !== null) t.true(RUNG_NAMES.indexOf(below) < i, `${name} builds on ${below}`)
    t.is(RUNGS[name].name, name)
  }
})

test('options default to the full ladder at 256 MiB, 3 rounds of 4 s, 100 connections', (t) => {
  const parsed = parseLadderOptions([])
  if (parsed.kind !== 'ok') return t.fail(JSON.stringify(parsed))
  t.is(parsed.options.sizeBytes, 256 * 2 ** 20)
  t.is(parsed.options.rounds, 3)
  t.is(parsed.options.durationSeconds, 4)
  t.is(parsed.options.connections, 100)
  t.deepEqual(parsed.options.rungs, [...RUNG_NAMES])
  t.is(parsed.options.jsonPath, undefined)
  t.false(parsed.options.pin)
})

test('--pin asks for the server and wrk on CPUs of their own', (t) => {
  const parsed = parseLadderOptions(['--pin'])
  if (parsed.kind !== 'ok') return t.fail(JSON.stringify(parsed))
  t.true(parsed.options.pin)
  t.is(parseLadderOptions(['--pin=yes']).kind, 'invalid', 'a boolean flag takes no value')
})

test('rungs run in ladder order whatever order they are named in, and pnpm\'s -- is ignored', (t) => {
  const parsed = parseLadderOptions(['--', '--rungs', 'ours,http-const', '--rounds', '1', '--json', '/tmp/x.json'])
  if (parsed.kind !== 'ok') return t.fail(JSON.stringify(parsed))
  t.deepEqual(parsed.options.rungs, ['http-const', 'ours'])
  t.is(parsed.options.jsonPath, '/tmp/x.json')
})

test('unknown rungs, unknown flags and bad numbers are refused', (t) => {
  for (const argv of [['--rungs', 'nginx'], ['--bogus'], ['--rounds', '0'], ['--duration', '1.5'], ['--size', 'big']]) {
    t.is(parseLadderOptions(argv).kind, 'invalid', argv.join(' '))
  }
  t.is(parseLadderOptions(['--help']).kind, 'help')
})
