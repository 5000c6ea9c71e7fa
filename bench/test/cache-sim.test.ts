// `pnpm --filter bench cache-sim`: the hit ratios in docs/performance.md's cache section come from
// it. The simulation runs the gateway's real cache and admission, so these tests check it
// against what must hold for any cache: nothing hits in a cache of 0 bytes, and a cache that
// holds every line hits every repeated request and no first one.
import test from 'ava'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from '@line-server/testkit'
import { simulateCache, type SimulationSpec } from '../src/cache-sim/simulate.js'
import { parseCacheSimOptions } from '../src/cache-sim/cache-sim-options.js'
import { loadHotLines } from '../src/ladder/gateway-stack.js'
import { lineNumbers, repeatShare } from '../src/request-paths.js'

const MAIN = fileURLToPath(new URL('../src/cache-sim/main.js', import.meta.url))

const SPEC: SimulationSpec = {
  lines: 1000,
  lineBytes: 40,
  cacheBytes: 1024 * 1024,
  cacheMaxLineBytes: 65536,
  pattern: 'hot',
  zipfExponent: 1.1,
  requestsPerCell: 5000,
  cells: 2,
  seed: 3
}

test('a cache of 0 bytes hits nothing, and neither would 0 lines', async (t) => {
  const cells = simulateCache({ ...SPEC, cacheBytes: 0 }, await loadHotLines())
  t.deepEqual(cells.map((c) => [c.hitRatio, c.entries, c.popularLinesShare]), [[0, 0, 0], [0, 0, 0]])
  t.true(cells.every((c) => c.admittedShare <= 1))
})

test('a cache that holds every line hits exactly the repeated requests, and all of the next cell', async (t) => {
  const cells = simulateCache(SPEC, await loadHotLines())
  const first = lineNumbers('hot', SPEC.lines, SPEC.requestsPerCell, SPEC.seed, SPEC.zipfExponent)
  const second = lineNumbers('hot', SPEC.lines, SPEC.requestsPerCell, SPEC.seed + 1, SPEC.zipfExponent)
  t.is(cells[0]!.hitRatio, repeatShare(first))
  t.is(cells[0]!.entries, new Set(first).size)
  t.is(cells[0]!.admittedShare, 1, 'a cache with room under a hot set takes every miss')
  const newInSecond = second.filter((n) => !first.includes(n))
  const secondMisses = new Set(newInSecond).size
  t.is(cells[1]!.hitRatio, (SPEC.requestsPerCell - secondMisses) / SPEC.requestsPerCell, 'only first sightings miss')
})

test('a cache far smaller than the hot set hits less than a cache that holds it', async (t) => {
  const gateway = await loadHotLines()
  const spec = { ...SPEC, lines: 200_000, requestsPerCell: 50_000 }
  const small = simulateCache({ ...spec, cacheBytes: 64 * 1024 }, gateway)
  const large = simulateCache({ ...spec, cacheBytes: 64 * 1024 * 1024 }, gateway)
  t.true(small[1]!.entries < large[1]!.entries)
  t.true(small[1]!.hitRatio < large[1]!.hitRatio, `${small[1]!.hitRatio} against ${large[1]!.hitRatio}`)
  t.true(small[1]!.popularLinesShare < large[1]!.popularLinesShare)
  t.true(small[1]!.hitRatio <= small[1]!.popularLinesShare + 0.02, `${small[1]!.hitRatio} hits against ${small[1]!.popularLinesShare} for the most popular lines`)
})

test('options: defaults, sizes with units, and each bad value named', (t) => {
  const ok = parseCacheSimOptions([])
  t.is(ok.kind, 'ok')
  if (ok.kind === 'ok') {
    t.is(ok.options.sizeBytes, 1024 ** 3)
    t.is(ok.options.cacheBytes, undefined, 'the server\'s default budget')
    t.is(ok.options.pattern, 'hot')
    t.is(ok.options.requestsPerCell, 2 ** 20)
  }
  const sized = parseCacheSimOptions(['--cache', '128M', '--size=256M', '--cells', '3'])
  t.like(sized, { kind: 'ok', options: { cacheBytes: 128 * 1024 * 1024, sizeBytes: 256 * 1024 * 1024, cells: 3 } })
  t.like(parseCacheSimOptions(['--help']), { kind: 'help' })
  for (const [args, problem] of [
    [['--cache', 'lots'], /--cache must be a size/],
    [['--cache=-1'], /--cache must be a size/],
    [['--size', '1'], /--size must be a size of at least 1024/],
    [['--pattern', 'zipf'], /--pattern: unknown "zipf"/],
    [['--cells', '0'], /--cells must be an integer of at least 1/],
    [['--paths', '1.5'], /--paths must be an integer/],
    [['--zipf', 'NaN'], /--zipf must be a positive number/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['stray'], /positional argument/]
  ] as const) {
    const parsed = parseCacheSimOptions(args)
    t.is(parsed.kind, 'invalid', args.join(' '))
    if (parsed.kind === 'invalid') t.regex(parsed.problems.join('\n'), problem)
  }
})

test('the command prints one line per cell for a generated data file, and exits 2 on a bad option', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cache-sim-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const run = await runCommand([MAIN, '--size', '256K', '--data-dir', dir, '--cells', '2', '--paths', '20000', '--cache', '1M'])
  t.is(run.code, 0, run.stderr)
  const lines = run.stdout.trim().split('\n')
  t.regex(lines[0]!, /^cache-sim: \d+ lines of \d+ bytes \(the mean of .*lines-262144-seed1\.txt\), hot \(Zipf 1\.1\), cache 1\.0 MiB, 2 cells of 20000 requests$/)
  t.is(lines.length, 3, run.stdout)
  for (const [i, line] of lines.slice(1).entries()) {
    t.regex(line, new RegExp(`^cell ${i + 1}: \\d+\\.\\d% hits with \\d+ lines cached \\(\\d+\\.\\d% of misses let in\\); the \\d+ most popular lines draw \\d+\\.\\d% of requests$`))
  }
  const bad = await runCommand([MAIN, '--cache', 'huge'])
  t.is(bad.code, 2)
  t.regex(bad.stderr, /--cache must be a size/)
  t.regex(bad.stderr, /Usage: pnpm --filter bench cache-sim/)
})
