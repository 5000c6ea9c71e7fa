// The LRU cache of hot lines, bounded in bytes. lru-cache decides what stays; the bytes live
// outside the V8 heap in LineBlocks, and lru-cache holds only each line's block handle. It
// copies what it keeps (engine results are views into a whole batch's buffer, and keeping a
// view would keep the batch alive), and hands out a fresh copy on every hit (a view into a block
// could be overwritten by a later line while the socket still sends it).
import { LRUCache } from 'lru-cache'
import { BLOCK_COST_BYTES, LineBlocks, blocksForLine } from './line-blocks.js'

// What lru-cache spends per entry on the heap (its Map entry and five array slots, with their
// growth slack) once the value is a small integer. A cache at its budget churns, and deleted
// Map entries hold their slots until a rehash: after 3 x its size in inserts, 102-112 bytes per
// entry from 250 k to 4 M entries (73-83 while it only fills).
export const CACHE_ENTRY_OVERHEAD_BYTES = 112

// lru-cache keeps its entries in a Map, and V8 refuses a Map past 2^24 entries, deleted ones
// counted until it rehashes. A cache churning at its cap deletes one entry per insert: with
// more than 2^23 live, the rehash wants to double the table and throws "Map maximum size
// exceeded" on every later insert (measured: churn at 2^23 live runs on, at 12 M it throws).
export const MAX_CACHE_ENTRIES = 2 ** 23

/** The largest budget: LineBlocks links its blocks with Int32 ids (2^31 blocks of 72 bytes). */
export const MAX_CACHE_BYTES = 128 * 2 ** 30

/** What the cache charges its budget for one line: its blocks and its LRU entry. */
export function cacheEntryBytes (lineBytes: number): number {
  return blocksForLine(lineBytes) * BLOCK_COST_BYTES + CACHE_ENTRY_OVERHEAD_BYTES
}

export interface LineCacheOptions {
  /** Total budget in bytes: the lines' blocks and each entry's overhead; 0 disables the cache. */
  readonly maxBytes: number
  /** Lines longer than this bypass the cache. */
  readonly maxLineBytes: number
  /** Most lines held at once, whatever the budget; default and ceiling MAX_CACHE_ENTRIES. */
  readonly maxEntries?: number
}

export interface LineCache {
  readonly get: (lineIndex: number) => Buffer | undefined
  readonly set: (lineIndex: number, line: Buffer) => void
  /** Whether a line of this many bytes fits without evicting anything. */
  readonly hasRoomFor: (lineBytes: number) => boolean
  readonly entries: () => number
  /** Bytes charged to the budget (see cacheEntryBytes). */
  readonly bytes: () => number
  /** Bytes of slabs holding the lines, off the V8 heap: the budget less the entries' share, at most, plus one slab. */
  readonly memoryBytes: () => number
  /** Drops every line and frees its memory, e.g. when the data file changed. */
  readonly clear: () => void
}

export function createLineCache (options: LineCacheOptions): LineCache {
  const maxEntries = Math.min(options.maxEntries ?? MAX_CACHE_ENTRIES, MAX_CACHE_ENTRIES)
  if (options.maxBytes < cacheEntryBytes(0) || maxEntries < 1) {
    return { get: () => undefined, set: () => {}, hasRoomFor: () => false, entries: () => 0, bytes: () => 0, memoryBytes: () => 0, clear: () => {} }
  }
  const blocks = new LineBlocks()
  // clear() drops every slab at once; freeing each line's blocks first would walk them all.
  let clearing = false
  // No `max`: bounded by maxSize alone, lru-cache grows its slot arrays as entries come instead
  // of allocating one per possible entry up front, which took 37 ms of every start-up at the
  // then default 64 MiB (419k slots) and served no faster (get 0.15-0.23 us either way).
  const lru = new LRUCache<number, number>({
    maxSize: options.maxBytes,
    dispose: (head) => { if (!clearing) blocks.free(head) }
  })
  return {
    get: (lineIndex) => {
      const head = lru.get(lineIndex)
      return head === undefined ? undefined : blocks.read(head)
    },
    set: (lineIndex, line) => {
      if (line.length > options.maxLineBytes || lru.has(lineIndex)) return
      const size = cacheEntryBytes(line.length)
      if (size > options.maxBytes) return
      // Evict before writing, so the new line takes the blocks just freed and the slabs never
      // grow past what the budget allows.
      while (lru.size > 0 && (lru.calculatedSize + size > options.maxBytes || lru.size >= maxEntries)) lru.pop()
      lru.set(lineIndex, blocks.write(line), { size })
    },
    hasRoomFor: (lineBytes) => lru.size < maxEntries && lru.calculatedSize + cacheEntryBytes(lineBytes) <= options.maxBytes,
    entries: () => lru.size,
    bytes: () => lru.calculatedSize,
    memoryBytes: () => blocks.allocatedBytes,
    clear: () => {
      clearing = true
      try {
        lru.clear()
      } finally {
        clearing = false
        blocks.clear()
      }
    }
  }
}
