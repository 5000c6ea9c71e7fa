// The cold index measures: interleaved rounds of cold build and cold disk read, their option,
// and how the report states them (results written before the rounds existed still read).
import test from 'ava'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measureIndex, type IndexMeasures } from '../src/index-measures.js'
import { parseOptions } from '../src/options.js'
import type { BenchResults } from '../src/results.js'
import { formatIndexSummary } from '../src/report/table.js'

function indexMeasures (overrides: Partial<IndexMeasures>): BenchResults {
  const index: IndexMeasures = {
    warm: [{ seconds: 0.2, gbPerSec: 5.5, threads: 2 }],
    cold: { seconds: 0.8, gbPerSec: 1.3, threads: 2 },
    diskColdGbPerSec: 1.0,
    coldMethod: 'dd iflag=nocache (fadvise DONTNEED)',
    restartSeconds: { median: 0.25, all: [0.25], indexLoadSeconds: 0.01 },
    indexBytes: 1000,
    indexBytesPerLine: 0.25,
    ...overrides
  }
  return { index } as unknown as BenchResults
}

test('--cold-rounds defaults to 3 and takes only positive integers', (t) => {
  const defaults = parseOptions([])
  t.is(defaults.kind === 'ok' ? defaults.options.coldRounds : undefined, 3)
  const five = parseOptions(['--cold-rounds', '5'])
  t.is(five.kind === 'ok' ? five.options.coldRounds : undefined, 5)
  for (const bad of ['0', '-1', '1.5', 'three', '']) {
    const parsed = parseOptions([`--cold-rounds=${bad}`])
    t.is(parsed.kind, 'invalid', bad)
    if (parsed.kind === 'invalid') t.true(parsed.problems.some((p) => p.includes('--cold-rounds')), bad)
  }
})

test('the report gives the medians of interleaved rounds, their ratio and every round', (t) => {
  const text = formatIndexSummary(indexMeasures({
    cold: { seconds: 0.75, gbPerSec: 1.45, threads: 2 },
    diskColdGbPerSec: 1.2,
    coldRounds: [{ indexGbPerSec: 1.51, diskGbPerSec: 0.8 }, { indexGbPerSec: 1.45, diskGbPerSec: 1.2 }, { indexGbPerSec: 1.08, diskGbPerSec: 1.89 }]
  }))
  t.regex(text, /median 1\.45 GB\/s against the disk's sequential read \(dd bs=8M\) median 1\.20 GB\/s = 1\.21× the disk/)
  t.regex(text, /3 interleaved rounds, build\/disk GB\/s: 1\.51\/0\.80, 1\.45\/1\.20, 1\.08\/1\.89/)
})

test('results from before the rounds keep their one pair', (t) => {
  const text = formatIndexSummary(indexMeasures({}))
  t.regex(text, /index build, cold: 1\.30 GB\/s; disk sequential read, cold \(dd bs=8M\): 1\.00 GB\/s/)
  t.notRegex(text, /interleaved/)
})

// Dropping a file from the page cache needs dd and fadvise; where that fails the measures say
// why instead of timing a warm read as a cold one.
test('cold rounds on a real file: one pair per round, or no cold figures and the reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cold-index-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const dataPath = join(dir, 'data.txt')
  writeFileSync(dataPath, Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 90)}`).join('\n'))
  const measured = await measureIndex(dataPath, 20_000, true, 1, 2)
  if (measured.cold === undefined) {
    t.regex(measured.coldMethod, /could not drop/)
    t.is(measured.diskColdGbPerSec, undefined)
    return
  }
  t.is(measured.coldRounds?.length, 2)
  for (const round of measured.coldRounds ?? []) {
    t.true(round.indexGbPerSec > 0)
    t.true(round.diskGbPerSec > 0)
  }
  t.true(measured.coldRounds?.some((r) => r.indexGbPerSec === measured.cold?.gbPerSec))
})
