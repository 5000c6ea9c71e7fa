// Number formatting and grouping shared by the text table, the Markdown section and the SVG.
import type { RunRecord } from '../results.js'

export function fmtInt (n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export function fmtMs (ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)
}

export function fmtRatio (r: number | null): string {
  return r === null ? '–' : `${r.toFixed(2)}×`
}

/** A ratio as a percentage with one decimal; '–' when there is none. */
export function fmtPercent (r: number | null | undefined): string {
  return r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`
}

/**
 * Our cache's hits in a run, "hits X% (measured window Y%)": X over warm-up and window, Y over
 * the window alone. Results written before Y was recorded show "hits X% (warm-up included)".
 */
export function fmtCacheHits (run: Pick<RunRecord, 'cacheHitRatio' | 'cacheHitRatioMeasured'>): string {
  const whole = `hits ${fmtPercent(run.cacheHitRatio)}`
  return run.cacheHitRatioMeasured === undefined ? `${whole} (warm-up included)` : `${whole} (measured window ${fmtPercent(run.cacheHitRatioMeasured)})`
}

export function fmtMiB (bytes: number): string {
  return bytes === 0 ? '–' : (bytes / 1024 / 1024).toFixed(0)
}

export interface Cell {
  readonly tool: RunRecord['tool']
  readonly pattern: RunRecord['pattern']
  readonly connections: number
  readonly runs: readonly RunRecord[]
}

/** Runs grouped by tool × pattern × connections, in the order they were run. */
export function cells (runs: readonly RunRecord[]): Cell[] {
  const out = new Map<string, { tool: RunRecord['tool'], pattern: RunRecord['pattern'], connections: number, runs: RunRecord[] }>()
  for (const run of runs) {
    const key = `${run.tool}/${run.pattern}/${run.connections}`
    const cell = out.get(key) ?? { tool: run.tool, pattern: run.pattern, connections: run.connections, runs: [] }
    cell.runs.push(run)
    out.set(key, cell)
  }
  return [...out.values()]
}
