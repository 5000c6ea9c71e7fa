// The line cache's bytes, kept outside the V8 heap: fixed-size blocks in 1 MiB slabs, a line in
// a chain of them. It only stores and hands back bytes; what to keep and what to evict is the
// cache's business. Outside the heap because a heap of cached lines hit V8's limits: 16.7 M
// strings of 110 bytes filled a 3.2 GB heap (the limit here is 4.1 GB), and every full GC marked
// them all. Fixed blocks because any free block fits any line: freeing never fragments, so the
// slabs never hold more than the lines in them need, whatever order lines leave in.

/** Bytes of line data per block. */
export const BLOCK_DATA_BYTES = 64
/** What a block costs in all: its data and its two Int32 slots (next block, line length). */
export const BLOCK_COST_BYTES = BLOCK_DATA_BYTES + 8
const BLOCKS_PER_SLAB_LOG2 = 14
const BLOCKS_PER_SLAB = 1 << BLOCKS_PER_SLAB_LOG2
const BLOCK_MASK = BLOCKS_PER_SLAB - 1
/** Block ids are Int32 links, so this many blocks at most (128 GiB of lines). */
export const MAX_BLOCKS = 2 ** 31 - 1
const END = -1

/** Blocks a line of this many bytes takes; an empty line still takes one, its handle. */
export function blocksForLine (lineBytes: number): number {
  return lineBytes <= BLOCK_DATA_BYTES ? 1 : Math.ceil(lineBytes / BLOCK_DATA_BYTES)
}

interface Slab {
  readonly data: Buffer
  /** The next block of the same line, or of the free list; END after the last. */
  readonly next: Int32Array
  /** The line's length, on its first block only. */
  readonly lineBytes: Int32Array
}

export class LineBlocks {
  private readonly slabs: Slab[] = []
  /** Blocks handed out at least once; ids at and above it are fresh. */
  private issued = 0
  private freeHead = END
  private inUse = 0

  /** Blocks holding lines now. */
  get blocksInUse (): number {
    return this.inUse
  }

  /** Bytes of slabs allocated, metadata included; slabs are kept for reuse until `clear`. */
  get allocatedBytes (): number {
    return this.slabs.length * BLOCKS_PER_SLAB * BLOCK_COST_BYTES
  }

  /** Copies `line` in; returns its handle for `read` and `free`. */
  write (line: Buffer): number {
    const count = blocksForLine(line.length)
    if (this.inUse + count > MAX_BLOCKS) throw new RangeError(`line blocks exhausted: ${this.inUse} in use`)
    const head = this.take()
    let block = head
    for (let written = 0; ;) {
      const slab = this.slabOf(block)
      const at = (block & BLOCK_MASK) * BLOCK_DATA_BYTES
      const end = Math.min(line.length, written + BLOCK_DATA_BYTES)
      line.copy(slab.data, at, written, end)
      written = end
      if (written >= line.length) {
        slab.next[block & BLOCK_MASK] = END
        break
      }
      const following = this.take()
      slab.next[block & BLOCK_MASK] = following
      block = following
    }
    this.slabOf(head).lineBytes[head & BLOCK_MASK] = line.length
    this.inUse += count
    return head
  }

  /** A fresh copy of the line whose handle this is. */
  read (head: number): Buffer {
    const length = this.slabOf(head).lineBytes[head & BLOCK_MASK]!
    const out = Buffer.allocUnsafe(length)
    let block = head
    for (let written = 0; written < length;) {
      // A line written into fresh or freshly freed blocks mostly sits in consecutive ones in
      // one slab: copy each such run at once instead of block by block.
      const slab = this.slabOf(block)
      const start = block & BLOCK_MASK
      const remaining = length - written
      let run = 1
      while (run * BLOCK_DATA_BYTES < remaining && start + run <= BLOCK_MASK && slab.next[start + run - 1] === block + run) run++
      const bytes = Math.min(remaining, run * BLOCK_DATA_BYTES)
      slab.data.copy(out, written, start * BLOCK_DATA_BYTES, start * BLOCK_DATA_BYTES + bytes)
      written += bytes
      if (written === length) break
      block = slab.next[start + run - 1]!
    }
    return out
  }

  /** Gives the line's blocks back; the handle must not be used again. */
  free (head: number): void {
    let block = head
    let count = 1
    for (;;) {
      const following = this.slabOf(block).next[block & BLOCK_MASK]!
      if (following === END) break
      block = following
      count++
    }
    // The chain goes onto the free list whole and in order, so the next line to take these
    // blocks gets the same consecutive runs back.
    this.slabOf(block).next[block & BLOCK_MASK] = this.freeHead
    this.freeHead = head
    this.inUse -= count
  }

  /** Forgets every line and releases the slabs. */
  clear (): void {
    this.slabs.length = 0
    this.issued = 0
    this.freeHead = END
    this.inUse = 0
  }

  private slabOf (block: number): Slab {
    return this.slabs[block >>> BLOCKS_PER_SLAB_LOG2]!
  }

  private take (): number {
    if (this.freeHead !== END) {
      const block = this.freeHead
      this.freeHead = this.slabOf(block).next[block & BLOCK_MASK]!
      return block
    }
    if (this.issued === this.slabs.length * BLOCKS_PER_SLAB) {
      this.slabs.push({
        // Slow, i.e. not from Node's shared pool: a slab is big and lives as long as the cache.
        data: Buffer.allocUnsafeSlow(BLOCKS_PER_SLAB * BLOCK_DATA_BYTES),
        next: new Int32Array(BLOCKS_PER_SLAB),
        lineBytes: new Int32Array(BLOCKS_PER_SLAB)
      })
    }
    return this.issued++
  }
}
