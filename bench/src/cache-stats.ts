// The LRU cache's hits and misses, read from our server's /metrics around a run, so the bench
// can report the hit ratio a pattern achieved. Other systems have no such counters.

export interface CacheCounts { readonly hits: number, readonly misses: number }

export async function readCacheCounts (url: string): Promise<CacheCounts | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text()
    const read = (name: string): number => Number(new RegExp(`^${name} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm').exec(text)?.[1] ?? NaN)
    const counts = { hits: read('line_server_cache_hits_total'), misses: read('line_server_cache_misses_total') }
    return Number.isFinite(counts.hits) && Number.isFinite(counts.misses) ? counts : undefined
  } catch {
    return undefined
  }
}

/** Hits over lookups between two readings; null when either is missing or nothing was looked up. */
export function hitRatio (before: CacheCounts | undefined, after: CacheCounts | undefined): number | null {
  if (before === undefined || after === undefined) return null
  const hits = after.hits - before.hits
  const lookups = hits + after.misses - before.misses
  return lookups > 0 ? hits / lookups : null
}
