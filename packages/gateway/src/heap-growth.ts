// How far V8 lets the old generation grow past what the last full GC kept before it collects
// again: memory against GC time, which only the operator can weigh. V8 picks the factor itself
// from GC speed, and with the line cache full (64 MiB live in the old generation) 40-60 MiB
// more of garbage piles up before each full GC: peak RSS of a 10 GiB file with a full cache
// under load 249-275 MiB, against 209-226 MiB at 20% (`pnpm --filter bench rss FILE`). But 20%
// also costs throughput, most with the cache full: more full GCs, each marking the whole cache,
// with concurrent marking on the core the workers and clients share. Uniform lines after
// filling the cache: 30.3k against 33.5k req/s, 30.4 against 28.7 µs of main thread per
// request (medians of 5 interleaved wrk rounds on 1 GiB). So V8 decides by default (0).
// See docs/performance.md, "RSS at 10 GiB".
import { setFlagsFromString } from 'node:v8'

export const DEFAULT_HEAP_GROWTH_PERCENT = 0

/**
 * Sets V8's heap growing factor to 1 + percent/100 for this process and its worker threads;
 * 0 gives the choice back to V8. V8 reads the flag at every full GC, so setting it after start
 * takes effect from the next one.
 */
export function applyHeapGrowthPercent (percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growth percent must be a whole number >= 0, got ${percent}`)
  setFlagsFromString(`--heap-growing-percent=${percent}`)
}
