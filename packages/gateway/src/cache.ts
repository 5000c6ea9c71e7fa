// The LRU cache of hot lines, bounded in bytes. It copies what it keeps: engine results are
// views into a whole batch's buffer, and keeping a view would keep the batch alive.
import { LRUCache } from 'lru-cache'

// What one entry costs beyond its bytes: the ArrayBuffer, the Buffer object, the LRU slots.
// It also keeps sizeCalculation >= 1, which lru-cache requires, for empty lines.
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
  readonly entries: () => number
  readonly bytes: () => number
  /** Drops every line, e.g. when the data file changed. */
  readonly clear: () => void
}

export function createLineCache (options: LineCacheOptions): LineCache {
  if (options.maxBytes <= CACHE_ENTRY_OVERHEAD_BYTES) {
    return { get: () => undefined, set: () => {}, entries: () => 0, bytes: () => 0, clear: () => {} }
  }
  const maxEntrySize = Math.min(options.maxBytes, options.maxLineBytes + CACHE_ENTRY_OVERHEAD_BYTES)
  const lru = new LRUCache<number, Buffer>({
    max: Math.max(1, Math.floor(options.maxBytes / CACHE_ENTRY_OVERHEAD_BYTES)),
    maxSize: options.maxBytes,
    maxEntrySize,
    sizeCalculation: (line) => line.length + CACHE_ENTRY_OVERHEAD_BYTES
  })
  return {
    get: (lineIndex) => lru.get(lineIndex),
    set: (lineIndex, line) => {
      if (line.length + CACHE_ENTRY_OVERHEAD_BYTES > maxEntrySize) return
      const copy = Buffer.allocUnsafeSlow(line.length)
      line.copy(copy)
      lru.set(lineIndex, copy)
    },
    entries: () => lru.size,
    bytes: () => lru.calculatedSize,
    clear: () => { lru.clear() }
  }
}
