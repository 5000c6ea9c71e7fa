// `pnpm --filter bench rss`, which the RSS figures in docs/performance.md come from: it prints
// idle and peak RSS from a real server under wrk, with the cache nearly empty and then filled,
// and fails with the server's own error when the server cannot start. Checks the output's shape, not any size (benchmarks are not tests).
import test from 'ava'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from '@line-server/testkit'
import { findBinary } from '../src/tools.js'

const MAIN = fileURLToPath(new URL('../src/rss/main.js', import.meta.url))
const wrkInstalled = findBinary('wrk') !== undefined
const rssTest = wrkInstalled ? test : test.skip
const skipped = wrkInstalled ? '' : ' (skipped: wrk is not installed)'

function tempDir (t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rss-test-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

rssTest(`prints idle RSS and peak RSS under load, with the cache as uniform reads leave it and filled${skipped}`, async (t) => {
  const file = join(tempDir(t), 'data.txt')
  writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`).join('\n'))
  const run = await runCommand([MAIN, file, '--threads', '1', '--cache-bytes', '1MiB'])
  t.is(run.code, 0, run.stderr + run.stdout)
  const match = /^idle RSS (\d+) MB; peak RSS under load (\d+) MB; cache holds (\d+) MB; peak minus cache (\d+) MB; ([\d.]+) req\/s$/m.exec(run.stdout)
  t.truthy(match, run.stdout)
  const [idle, peak, cache, peakMinusCache, rps] = match!.slice(1).map(Number) as [number, number, number, number, number]
  t.true(idle > 0 && peak >= idle, run.stdout)
  // Each figure is rounded down to whole MB on its own.
  t.true(Math.abs(peakMinusCache - (peak - cache)) <= 1, run.stdout)
  t.true(rps > 0, run.stdout)
  // 5000 short lines fit the 1 MiB budget many times over: the fill stops when the cache stops growing.
  const full = /^cache filled to (\d+) MB of its (\d+) MB budget; peak RSS under load (\d+) MB; peak minus budget (-?\d+) MB; ([\d.]+) req\/s$/m.exec(run.stdout)
  t.truthy(full, run.stdout)
  const [filled, budget, fullPeak, peakMinusBudget, fullRps] = full!.slice(1).map(Number) as [number, number, number, number, number]
  t.is(budget, 1)
  t.true(filled <= budget, run.stdout)
  t.true(fullPeak >= peak, run.stdout)
  t.true(Math.abs(peakMinusBudget - (fullPeak - budget)) <= 1, run.stdout)
  t.true(fullRps > 0, run.stdout)
})

rssTest(`fails with the server's error when the file cannot be served${skipped}`, async (t) => {
  const run = await runCommand([MAIN, join(tempDir(t), 'missing.txt')])
  t.is(run.code, 1)
  t.regex(run.stderr, /did not become ready/)
  t.regex(run.stderr, /missing\.txt/)
})

test('says how to call it when the file is missing from the command line', async (t) => {
  const run = await runCommand([MAIN])
  t.is(run.code, 2)
  t.regex(run.stderr, /usage: pnpm --filter bench rss FILE/)
})
