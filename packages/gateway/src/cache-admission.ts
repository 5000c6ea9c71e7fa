// Which misses earn a place in the line cache. Two rules:
// - A cache with room takes every miss while it is earning its keep: at least one lookup in
//   eight was a hit over the last window. That fills a cold cache under a hot set from the first
//   requests (of the bench's first 300k Zipf requests, 77.7% could hit this way, 72.9% with the
//   doorkeeper alone). Under uniform reads over a file many times the cache's size, hits stay
//   rare and copying every miss in cost 8-10% of req/s (wrk, 256 MiB file, server pinned to one
//   core, medians of 4: 27.7k against 30.2k with the cache off; with this rule 29.3k against 29.4k).
// - Otherwise a line is cached on its second miss within a window, not its first (the
//   "doorkeeper" of TinyLFU). In a full cache caching means evicting, and under uniform reads
//   almost every miss is a line that will not come back soon.
// A bitmap of hashed line numbers remembers first misses; it is wiped after a window of
// misses so it never fills up and stale first sightings expire.

// 2^23 bits, 1 MiB, so a window of 2^19 misses sets at most a sixteenth of them. At 2^21 bits
// the same window filled a quarter: a first sighting then found its bit already set up to one
// time in four, and 13.2% of uniform misses got in, against 5.4% now, while the hot pattern's
// hits stayed the same (87.0% and 87.2% after 8 M requests; `pnpm --filter bench cache-sim`).
const BITMAP_WORDS = 1 << 18
const BIT_MASK = BITMAP_WORDS * 32 - 1

export interface CacheAdmissionOptions {
  /** Misses after which the doorkeeper forgets first sightings; default 2^19 (a sixteenth of its bits). */
  readonly doorkeeperWindow?: number
  /** Lookups over which the hit share is judged; default 4096. */
  readonly reuseWindow?: number
}

/** The least share of hits over a window that keeps a cache with room taking every miss. */
export const FREE_FILL_HIT_SHARE = 1 / 8

export interface CacheAdmission {
  /** Records a lookup the cache answered. */
  readonly hit: () => void
  /**
   * Records a miss of `lineIndex` and says whether the line should now be cached; `fits` says
   * it would fit without evicting anything.
   */
  readonly admit: (lineIndex: number, fits: boolean) => boolean
}

export function createCacheAdmission (options: CacheAdmissionOptions = {}): CacheAdmission {
  const doorkeeperWindow = options.doorkeeperWindow ?? BITMAP_WORDS * 32 / 16
  const reuseWindow = options.reuseWindow ?? 4096
  const seen = new Uint32Array(BITMAP_WORDS)
  let misses = 0
  // Starts true so a cold cache fills from the first request; the first window corrects it.
  let fillFreely = true
  let windowLookups = 0
  let windowHits = 0

  function countLookup (): void {
    if (++windowLookups < reuseWindow) return
    fillFreely = windowHits >= reuseWindow * FREE_FILL_HIT_SHARE
    windowLookups = 0
    windowHits = 0
  }

  return {
    hit () {
      windowHits++
      countLookup()
    },
    admit (lineIndex, fits) {
      countLookup()
      if (fits && fillFreely) return true
      if (++misses > doorkeeperWindow) {
        seen.fill(0)
        misses = 1
      }
      const bit = hash(lineIndex) & BIT_MASK
      const word = bit >>> 5
      const mask = 1 << (bit & 31)
      if ((seen[word]! & mask) !== 0) return true
      seen[word] = seen[word]! | mask
      return false
    }
  }
}

// Line numbers are dense and sequential; spread them so neighbours do not share words.
function hash (lineIndex: number): number {
  const low = Math.imul(lineIndex | 0, 0x9e3779b1) ^ Math.imul(Math.floor(lineIndex / 4294967296), 0x85ebca77)
  return (low ^ (low >>> 15)) >>> 0
}
