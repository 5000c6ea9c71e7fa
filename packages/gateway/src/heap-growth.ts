// How far V8 lets the old generation grow past what the last full GC kept before it collects
// again: memory against GC time. V8 picks the factor itself from GC speed, and with the line
// cache full (64 MiB live in the old generation) 40-60 MiB more of garbage piled up before each
// full GC: peak RSS of a 10 GiB file with a full cache under load 249-275 MiB, against 209-226
// at 20% (`pnpm --filter bench rss FILE`). At first 20% cost 6-10% of req/s with the cache full
// (more full GCs, each marking the whole cache); since the engine stopped promoting ~180 bytes
// per request (in-flight-lookups.ts), it makes 1-2 full GCs in 5 s of wrk where V8's choice
// makes none, and GC time per request is the same (~1.0 µs). See docs/performance.md.
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
