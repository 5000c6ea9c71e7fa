// The line cache together with the policy that decides what enters it: the two questions the
// /lines route asks on every request. One place, so that the bench's cache simulation
// (`pnpm --filter bench cache-sim`) replays exactly what the server does.
import type { LineCache } from './cache.js'
import { createCacheAdmission, type CacheAdmission } from './cache-admission.js'

export interface HotLines {
  /** The cached line, counted as a hit; undefined on a miss. */
  readonly lookup: (lineIndex: number) => Buffer | undefined
  /** Offers a line read after a miss; the admission policy decides whether the cache keeps it. */
  readonly offer: (lineIndex: number, line: Buffer) => void
}

export function createHotLines (cache: LineCache, admission: CacheAdmission = createCacheAdmission()): HotLines {
  return {
    lookup: (lineIndex) => {
      const line = cache.get(lineIndex)
      if (line !== undefined) admission.hit()
      return line
    },
    offer: (lineIndex, line) => {
      if (admission.admit(lineIndex, cache.hasRoomFor(line.length))) cache.set(lineIndex, line)
    }
  }
}
