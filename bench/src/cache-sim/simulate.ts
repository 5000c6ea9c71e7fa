// Replays the bench's request lists through the gateway's own cache and admission policy, with
// no server: the hit ratio a pattern reaches once the cache has seen millions of requests, which
// a timed run of a few seconds never gets to, and the most any cache of that many lines could hit.
import { lineNumbers, popularLinesShare } from '../request-paths.js'
import type { Pattern } from '../options.js'
import type { HotLinesModule } from '../ladder/gateway-stack.js'

export interface SimulationSpec {
  readonly lines: number
  /** Every simulated line has this many bytes (the data file's mean, rounded). */
  readonly lineBytes: number
  readonly cacheBytes: number
  readonly cacheMaxLineBytes: number
  readonly pattern: Pattern
  readonly zipfExponent: number
  /** Requests per cell; cell k draws with seed + k, as the bench's k-th cell of a pattern does. */
  readonly requestsPerCell: number
  readonly cells: number
  readonly seed: number
}

export interface CellResult {
  readonly hitRatio: number
  /** Lines the cache held at the end of the cell. */
  readonly entries: number
  /** Share of the cell's misses that the admission policy let into the cache. */
  readonly admittedShare: number
  /** Share of the pattern's requests that ask for its `entries` most popular lines: the most any cache of that many lines answers in the long run. */
  readonly popularLinesShare: number
}

export function simulateCache (spec: SimulationSpec, gateway: HotLinesModule): CellResult[] {
  const cache = gateway.createLineCache({ maxBytes: spec.cacheBytes, maxLineBytes: spec.cacheMaxLineBytes })
  let admitted = 0
  // The cache is only asked to keep a line once the admission policy let it in.
  const hotLines = gateway.createHotLines({ ...cache, set: (lineIndex, line) => { admitted++; cache.set(lineIndex, line) } })
  const line = Buffer.alloc(spec.lineBytes, 0x61)
  const out: CellResult[] = []
  for (let cell = 0; cell < spec.cells; cell++) {
    const numbers = lineNumbers(spec.pattern, spec.lines, spec.requestsPerCell, spec.seed + cell, spec.zipfExponent)
    let hits = 0
    admitted = 0
    for (const lineNumber of numbers) {
      if (hotLines.lookup(lineNumber - 1) !== undefined) hits++
      else hotLines.offer(lineNumber - 1, line)
    }
    const entries = cache.entries()
    const misses = spec.requestsPerCell - hits
    out.push({
      hitRatio: hits / spec.requestsPerCell,
      entries,
      admittedShare: misses === 0 ? 0 : admitted / misses,
      popularLinesShare: popularLinesShare(spec.pattern, spec.lines, entries, spec.zipfExponent)
    })
  }
  return out
}
