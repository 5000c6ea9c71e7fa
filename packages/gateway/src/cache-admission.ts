// Which misses earn a place in a full line cache, where caching means evicting: a line is
// cached on its second miss within a window, not its first (the "doorkeeper" of TinyLFU).
// While the cache still has room, lines-route.ts caches every miss without asking. Under
// uniform random reads almost every miss is a line that will not come back soon, and copying
// each into the LRU only to evict it cost more than it saved (the bench measured 12k req/s
// with the cache, 16k without).
// A bitmap of hashed line numbers remembers first misses; it is wiped after a window of
// lookups so it never fills up and stale first sightings expire.

const BITMAP_WORDS = 1 << 16 // 2^21 bits, 256 KiB
const BIT_MASK = BITMAP_WORDS * 32 - 1

export interface CacheAdmission {
  /** Records a miss of `lineIndex` and says whether the line should now be cached. */
  readonly admit: (lineIndex: number) => boolean
}

export function createCacheAdmission (windowLookups = BITMAP_WORDS * 32 / 4): CacheAdmission {
  const seen = new Uint32Array(BITMAP_WORDS)
  let lookups = 0
  return {
    admit (lineIndex) {
      if (++lookups > windowLookups) {
        seen.fill(0)
        lookups = 1
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
