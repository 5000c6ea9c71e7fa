// The LRU cache of hot lines, bounded in bytes. It copies what it keeps (engine results are
// views into a whole batch's buffer, and keeping a view would keep the batch alive), and it
// keeps each line as a latin1 string, which maps bytes 1:1: a Buffer per entry cost 622 bytes
// of RSS for a 110-byte line (its ArrayBuffer, backing store and tracking), a string 269, and
// a quarter of a million ArrayBuffers also slowed every garbage collection.
import { LRUCache } from 'lru-cache'

// What one entry costs beyond its bytes (string header, LRU slots, map entry): measured 159
// for 110-byte lines. It also keeps sizeCalculation >= 1, which lru-cache requires, for empty lines.
export const CACHE_ENTRY_OVERHEAD_BYTES = 160

export interface LineCacheOptions {
  /** Total budget in bytes, entry overhead included; 0 disables the cache. */
  readonly maxBytes: number
  /** Lines longer than this bypass the cache. */
  readonly maxLineBytes: number
}

export interface LineCache {
  readonly get: (lineIndex: number) => Buffer | undefined
  readonly set: (lineIndex: number, line: Buffer) => void
  /** Whether a line of this many bytes fits without evicting anything. */
  readonly hasRoomFor: (lineBytes: number) => boolean
  readonly entries: () => number
  readonly bytes: () => number
  /** Drops every line, e.g. when the data file changed. */
  readonly clear: () => void
}

export function createLineCache (options: LineCacheOptions): LineCache {
  if (options.maxBytes <= CACHE_ENTRY_OVERHEAD_BYTES) {
    return { get: () => undefined, set: () => {}, hasRoomFor: () => false, entries: () => 0, bytes: () => 0, clear: () => {} }
  }
  const maxEntrySize = Math.min(options.maxBytes, options.maxLineBytes + CACHE_ENTRY_OVERHEAD_BYTES)
  // No `max`: bounded by maxSize alone, lru-cache grows its slot arrays as entries come instead
  // of allocating one per possible entry up front, which took 37 ms of every start-up at the
  // default 64 MiB (419k slots) and served no faster (get 0.15-0.23 us either way).
  const lru = new LRUCache<number, string>({
    maxSize: options.maxBytes,
    maxEntrySize,
    sizeCalculation: (line) => line.length + CACHE_ENTRY_OVERHEAD_BYTES
  })
  return {
    get: (lineIndex) => {
      const line = lru.get(lineIndex)
      return line === undefined ? undefined : Buffer.from(line, 'latin1')
    },
    set: (lineIndex, line) => {
      if (line.length + CACHE_ENTRY_OVERHEAD_BYTES > maxEntrySize) return
      lru.set(lineIndex, line.toString('latin1'))
    },
    hasRoomFor: (lineBytes) => lru.calculatedSize + lineBytes + CACHE_ENTRY_OVERHEAD_BYTES <= options.maxBytes,
    entries: () => lru.size,
    bytes: () => lru.calculatedSize,
    clear: () => { lru.clear() }
  }
}
