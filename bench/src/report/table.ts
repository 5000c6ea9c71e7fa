// The plain-text tables printed at the end of a run: one per tool × pattern × connections.
import type { BenchResults, RunRecord } from '../results.js'
import { cells, fmtCacheHits, fmtInt, fmtMiB, fmtMs, fmtPercent, fmtRatio, type Cell } from './format.js'

const COLUMNS = ['system', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MiB', 'srv cpu', 'gen cpu', 'warm s', 'vs nginx', 'vs node'] as const

/** Warm-up seconds, starred when measuring began before every connection had an answer. */
export function fmtWarmup (run: RunRecord): string {
  if (run.tool === 'wrk') return '–'
  const partial = run.warmup.answeredConnections < run.connections
  return `${run.warmup.seconds.toFixed(1)}${partial ? `* (${fmtInt(run.warmup.answeredConnections)})` : ''}`
}

function row (run: RunRecord): string[] {
  if (run.failure !== undefined) return [run.label, 'failed', '', '', '', '', '', '', '', '', run.failure.slice(0, 60)]
  return [
    run.label,
    fmtInt(run.requestsPerSec),
    fmtMs(run.latencyMs.p50),
    fmtMs(run.latencyMs.p99),
    fmtInt(run.errors.total),
    fmtMiB(run.rssBytes),
    run.serverCores.toFixed(2),
    run.generatorCores.toFixed(2),
    fmtWarmup(run),
    fmtRatio(run.ratioToNginx),
    run.ratioBaseline === null ? '–' : `${fmtRatio(run.ratioToNode)}${run.ratioBaseline === 'node-cluster' ? ' (×N)' : ''}`
  ]
}

export function cellTitle (cell: Cell): string {
  const first = cell.runs.find((r) => r.failure === undefined)
  const warm = first === undefined
    ? ''
    : cell.tool === 'wrk'
      ? (first.connectBurstIncluded ? ', connections opened inside the window' : '')
      : ', after warm-up'
  const repeats = first?.repeatRequestsPerSec?.length ?? 1
  const median = repeats > 1 ? `; each system's median of ${repeats} runs by req/s, the order rotating` : ''
  return `${cell.tool} · ${cell.pattern} · ${fmtInt(cell.connections)} connections (${first?.seconds.toFixed(1) ?? '?'} s measured${warm}${median})`
}

export function renderTable (header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cols: readonly string[]): string => cols.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

export function formatTables (results: BenchResults): string {
  const parts: string[] = []
  for (const cell of cells(results.runs)) parts.push(`${cellTitle(cell)}\n${renderTable(COLUMNS, cell.runs.map(row))}`)
  const legend = 'errors = non-2xx + socket errors + timeouts; RSS of the server process tree at the end of the window; ' +
    'srv/gen cpu = cores used by server / load generator in the window; warm s = seconds until every connection had an answer ' +
    '(* = measuring began without some, count in brackets); vs node = node:http with the same process count (×N = cluster)'
  return `${parts.join('\n\n')}\n\n${legend}`
}

export function formatIndexSummary (results: BenchResults): string {
  const index = results.index
  if (index === null) return 'index measures: skipped'
  const warm = index.warm.map((b) => `${b.gbPerSec.toFixed(2)}`).join(' / ')
  return [
    `index build, warm (page cache): ${warm} GB/s (${index.warm[0]?.threads ?? '?'} threads)`,
    formatColdIndex(index),
    `restart with existing index (spawn → "serving"): median ${(index.restartSeconds.median * 1000).toFixed(0)} ms of ${index.restartSeconds.all.length} (index load ${(index.restartSeconds.indexLoadSeconds * 1000).toFixed(1)} ms)`,
    `index size: ${fmtInt(index.indexBytes)} bytes, ${index.indexBytesPerLine.toFixed(3)} bytes/line`
  ].join('\n')
}

function formatColdIndex (index: NonNullable<BenchResults['index']>): string {
  const build = index.cold === undefined ? 'not measured' : `${index.cold.gbPerSec.toFixed(2)} GB/s`
  const disk = index.diskColdGbPerSec === undefined ? 'not measured' : `${index.diskColdGbPerSec.toFixed(2)} GB/s`
  const rounds = index.coldRounds ?? []
  if (rounds.length < 2) return `index build, cold: ${build}; disk sequential read, cold (dd bs=8M): ${disk} — ${index.coldMethod}`
  const ratio = index.cold === undefined || index.diskColdGbPerSec === undefined ? '' : ` = ${(index.cold.gbPerSec / index.diskColdGbPerSec).toFixed(2)}× the disk`
  const each = rounds.map((r) => `${r.indexGbPerSec.toFixed(2)}/${r.diskGbPerSec.toFixed(2)}`).join(', ')
  return `index build, cold: median ${build} against the disk's sequential read (dd bs=8M) median ${disk}${ratio}; ${rounds.length} interleaved rounds, build/disk GB/s: ${each} — ${index.coldMethod}`
}

/**
 * Our cache's hit ratio per pattern (default config, all tools and connection counts), or
 * undefined when no run recorded one. `both` (the text report): "hits X% (measured window Y%)"
 * per run. `measured` (the README section): the measured window's ratio alone, or, in results
 * written before it was recorded, the whole run's, said so.
 */
export function formatCacheSummary (results: BenchResults, show: 'both' | 'measured' = 'both'): string | undefined {
  const runs = results.runs.filter((r) => r.system === 'ours' && r.cacheHitRatio !== null && r.cacheHitRatio !== undefined)
  if (runs.length === 0) return undefined
  const windowRecorded = runs.every((r) => r.cacheHitRatioMeasured !== undefined)
  const byPattern = new Map<string, string[]>()
  for (const run of runs) {
    const list = byPattern.get(run.pattern) ?? []
    list.push(show === 'both' ? fmtCacheHits(run) : fmtPercent(windowRecorded ? run.cacheHitRatioMeasured : run.cacheHitRatio))
    byPattern.set(run.pattern, list)
  }
  const scope = show === 'both' ? 'per run' : windowRecorded ? 'per run, measured window' : 'per run, warm-up included'
  const ceilings = results.patterns.filter((p) => p.repeatShare !== undefined && byPattern.has(p.name))
  // Without it a low ratio reads as a cache fault when the request list allows no better.
  const ceiling = ceilings.length === 0 ? '' : ` (a cache starting empty could answer at most: ${ceilings.map((p) => `${p.name} ${fmtPercent(p.repeatShare)}`).join(', ')} of a request list)`
  return `cache hit ratio of ours (${scope}): ${[...byPattern].map(([pattern, ratios]) => `${pattern} ${ratios.join(', ')}`).join('; ')}${ceiling}`
}

/** Mean and max cores the load generator used over the runs, or undefined when none ran. */
export function formatGeneratorSummary (results: BenchResults): string | undefined {
  const cores = results.runs.filter((r) => r.failure === undefined).map((r) => r.generatorCores)
  if (cores.length === 0) return undefined
  const mean = cores.reduce((a, b) => a + b, 0) / cores.length
  return `load generator CPU: mean ${mean.toFixed(2)}, max ${Math.max(...cores).toFixed(2)} of ${results.machine.cores} cores (it shares the machine with the server)`
}
