// How far V8 lets the old generation grow past what the last full GC kept before it collects
// again. V8 picks that factor itself from GC speed, and with the line cache full (64 MiB live in
// the old generation) 40-60 MiB more of garbage piled up before each full GC. A fixed 20% cut
// the peak RSS of a 10 GiB file with a full cache under load from 249-275 MiB to 209-226
// (`pnpm --filter bench rss FILE`). It costs GC time: +0.7 µs per request on the main thread
// with the cache full, and 3.8% fewer req/s with it empty (median of 6 interleaved wrk rounds
// on 1 GiB). --heap-growth-percent 0 gives the choice back to V8. See docs/performance.md.
import { setFlagsFromString } from 'node:v8'

export const DEFAULT_HEAP_GROWTH_PERCENT = 20

/**
 * Sets V8's heap growing factor to 1 + percent/100 for this process and its worker threads;
 * 0 gives the choice back to V8. V8 reads the flag at every full GC, so setting it after start
 * takes effect from the next one.
 */
export function applyHeapGrowthPercent (percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growth percent must be a whole number >= 0, got ${percent}`)
  setFlagsFromString(`--heap-growing-percent=${percent}`)
}
