import { spawnSync } from 'node:child_process'
import test from 'ava'
import { applyHeapGrowthPercent } from '../src/heap-growth.js'

const MODULE_URL = new URL('../src/heap-growth.js', import.meta.url).href

// Keeps 100 MB live in the old generation, then makes 1.6 GB of 400 KB arrays that each outlive
// a few scavenges (so they die old) and counts full GCs. Only the growing factor differs
// between runs, and both factors are fixed, so V8's own timing-based choice plays no part.
const PROBE = `
import { PerformanceObserver, constants } from 'node:perf_hooks'
const { applyHeapGrowthPercent } = await import(process.argv[1])
applyHeapGrowthPercent(Number(process.argv[2]))
let fullGcs = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullGcs++
}).observe({ entryTypes: ['gc'] })
const live = Array.from({ length: 250 }, (_, i) => new Array(50000).fill(i + 0.5))
const recent = []
for (let i = 0; i < 4000; i++) recent[i % 20] = new Array(50000).fill(i + 0.25)
await new Promise((resolve) => setTimeout(resolve, 50))
process.stdout.write(JSON.stringify({ fullGcs, held: live.length + recent.length }))
`

function fullGcsWith (percent: number): number {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, MODULE_URL, String(percent)], { encoding: 'utf8' })
  if (child.status !== 0) throw new Error(`probe failed (${child.status}): ${child.stderr}`)
  return (JSON.parse(child.stdout) as { fullGcs: number }).fullGcs
}

test('a lower heap growth percent makes V8 collect the old generation more often', (t) => {
  const tight = fullGcsWith(20)
  const loose = fullGcsWith(300)
  t.log(`full GCs: ${tight} at 20%, ${loose} at 300%`)
  t.true(tight >= 2 * loose, `${tight} full GCs at 20% against ${loose} at 300%`)
})

test('refuses a negative or fractional percent before touching V8', (t) => {
  for (const percent of [-1, 1.5, Number.NaN]) {
    t.throws(() => { applyHeapGrowthPercent(percent) }, { instanceOf: RangeError })
  }
})
