// bench/scripts/builds-ab-summary.mjs, which pairs builds-ab.sh's runs of two builds: the run
// format it accepts, the paired and per-block ratios, and the script's refusal of bad options.
import test from 'ava'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '@line-server/testkit'

const run = promisify(execFile)
const SUMMARY = join(REPO_ROOT, 'bench', 'scripts', 'builds-ab-summary.mjs')
const SCRIPT = join(REPO_ROOT, 'bench', 'scripts', 'builds-ab.sh')

interface Run { block: number, hereRps: number, hereMicros: number, otherRps: number, otherMicros: number }
interface Summary { runs: number, rpsRatio: number, runsAhead: number, blocks: number, blocksAhead: number, lowestBlock: number, highestBlock: number, mainMicrosRatio: number }
interface SummaryModule {
  parseRuns: (text: string) => Run[]
  summariseRuns: (runs: Run[]) => Summary
  formatSummary: (summary: Summary, against: string, here?: string) => string
}
const load = async (): Promise<SummaryModule> => await import(SUMMARY) as SummaryModule

test('parses one run per line and refuses anything else', async (t) => {
  const { parseRuns } = await load()
  t.deepEqual(parseRuns('1 200 10 100 20\n\n2 300 5.5 150 11\n'), [
    { block: 1, hereRps: 200, hereMicros: 10, otherRps: 100, otherMicros: 20 },
    { block: 2, hereRps: 300, hereMicros: 5.5, otherRps: 150, otherMicros: 11 }
  ])
  for (const bad of ['1 200 10 100', '1 200 10 100 20 7', '1 200 ten 100 20', '1 0 10 100 20', '1.5 200 10 100 20', '1 -200 10 100 20', '1 200 10 100 NaN']) {
    t.throws(() => parseRuns(bad), { message: /expected "block req\/s µs req\/s µs"/ }, bad)
  }
})

test('pairs each run with its neighbour and sums blocks up geometrically', async (t) => {
  const { summariseRuns, formatSummary } = await load()
  // Block 1: this tree 2x and 0.5x (geometric mean 1, not ahead); block 2: 1.1x and 1.2x.
  const summary = summariseRuns([
    { block: 1, hereRps: 200, hereMicros: 10, otherRps: 100, otherMicros: 20 },
    { block: 1, hereRps: 50, hereMicros: 40, otherRps: 100, otherMicros: 20 },
    { block: 2, hereRps: 110, hereMicros: 9, otherRps: 100, otherMicros: 10 },
    { block: 2, hereRps: 120, hereMicros: 8, otherRps: 100, otherMicros: 10 }
  ])
  t.is(summary.runs, 4)
  t.is(summary.runsAhead, 3)
  t.is(summary.rpsRatio, (1.1 + 1.2) / 2)
  t.is(summary.blocks, 2)
  t.is(summary.blocksAhead, 1)
  t.true(Math.abs(summary.lowestBlock - 1) < 1e-12)
  t.true(Math.abs(summary.highestBlock - Math.sqrt(1.1 * 1.2)) < 1e-12)
  t.is(summary.mainMicrosRatio, (0.8 + 0.9) / 2)
  const text = formatSummary(summary, 'abc123')
  t.regex(text, /^this tree against abc123: req\/s 1\.150× \(median of 4 paired runs\), ahead in 3 of 4 runs$/m)
  t.regex(text, /and in 1 of 2 blocks \(block ratios 1\.000-1\.149\); main-thread CPU per request 0\.850×$/m)
  t.regex(formatSummary(summary, 'HEAD (--worker-nice 0)', 'this tree (--threads 3)'), /^this tree \(--threads 3\) against HEAD \(--worker-nice 0\): req\/s 1\.150×/m)
  t.throws(() => summariseRuns([]), { message: /no runs/ })
})

test('the summary refuses to run without its arguments, and the script refuses bad options', async (t) => {
  const usage = await t.throwsAsync(run(process.execPath, [SUMMARY])) as Error & { code: number, stderr: string }
  t.is(usage.code, 2)
  t.regex(usage.stderr, /usage: builds-ab-summary/)
  const dir = mkdtempSync(join(tmpdir(), 'builds-ab-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const data = join(dir, 'lines.txt')
  writeFileSync(data, 'a\nb\n')
  const cases: Array<[string[], RegExp]> = [
    [[data], /usage: builds-ab\.sh --against/],
    [['--against', 'HEAD', '--bogus', '1', data], /unknown option --bogus/],
    [['--against', 'HEAD', '--blocks', '0', data], /positive integers, not 0/],
    [['--against', 'HEAD', '--seconds', '1.5', data], /positive integers, not 1\.5/],
    [['--against', 'HEAD', '--rounds'], /--rounds needs a value/],
    [['--against', 'HEAD', '--against-options'], /--against-options needs a value/],
    [['--against', 'no-such-revision-here', data], /no such revision: no-such-revision-here/],
    [['--against', 'HEAD', join(dir, 'missing.txt')], /no data file/]
  ]
  for (const [args, message] of cases) {
    const err = await t.throwsAsync(run('bash', [SCRIPT, ...args], { cwd: REPO_ROOT })) as Error & { code: number, stderr: string }
    t.is(err.code, 2, args.join(' '))
    t.regex(err.stderr, message, args.join(' '))
  }
})
