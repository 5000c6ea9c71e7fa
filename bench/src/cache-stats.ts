// The LRU cache's hits and misses, read from our server's /metrics around a run, so the bench
// can report the hit ratio a pattern achieved, and the bytes it holds, which the RSS measure
// subtracts. Other systems have no such counters.

export interface CacheCounts { readonly hits: number, readonly misses: number }

export async function readCacheCounts (url: string): Promise<CacheCounts | undefined> {
  const [hits, misses] = await readMetrics(url, ['line_server_cache_hits_total', 'line_server_cache_misses_total'])
  return hits === undefined || misses === undefined ? undefined : { hits, misses }
}

/** Bytes the cache holds now, or undefined when /metrics cannot be read. */
export async function readCacheBytes (url: string): Promise<number | undefined> {
  return (await readMetrics(url, ['line_server_cache_bytes']))[0]
}

/** Unlabelled samples from our server's /metrics, each undefined when absent or unreadable. */
async function readMetrics (url: string, names: readonly string[]): Promise<Array<number | undefined>> {
  let text: string
  try {
    text = await (await fetch(`${url}/metrics`)).text()
  } catch {
    return names.map(() => undefined)
  }
  return names.map((name) => {
    const value = Number(new RegExp(`^${name} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm').exec(text)?.[1] ?? NaN)
    return Number.isFinite(value) ? value : undefined
  })
}

/** Hits over lookups between two readings; null when either is missing or nothing was looked up. */
export function hitRatio (before: CacheCounts | undefined, after: CacheCounts | undefined): number | null {
  if (before === undefined || after === undefined) return null
  const hits = after.hits - before.hits
  const lookups = hits + after.misses - before.misses
  return lookups > 0 ? hits / lookups : null
}
