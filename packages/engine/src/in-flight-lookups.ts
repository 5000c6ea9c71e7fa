// The lines being read right now, so that concurrent requests for one line share one read.
//
// Not a Map: a Map that gains and loses an entry per request keeps rehashing, and V8 links each
// superseded table to its successor. Once one table is promoted to the old generation, that
// dead table keeps the next one alive through every scavenge, and with it the pending lookups
// it held, until a full GC. With a Map, 174-182 bytes per request were promoted; with this
// table, 48-49 (`--trace-gc-nvp`, wrk -c100 on 1 GiB; docs/performance.md). Here the slots live in
// arrays that only grow, and a removed entry's slot is cleared, so nothing dead points at a
// live lookup.

const EMPTY = -1
const INITIAL_CAPACITY = 1024

export class InFlightLookups<T> {
  /** Line index per slot, EMPTY when free; open addressing with linear probing. */
  private keys = new Float64Array(INITIAL_CAPACITY).fill(EMPTY)
  private values: Array<T | undefined> = new Array<T | undefined>(INITIAL_CAPACITY).fill(undefined)
  private mask = INITIAL_CAPACITY - 1
  private count = 0

  get size (): number {
    return this.count
  }

  get (lineIndex: number): T | undefined {
    for (let slot = this.home(lineIndex); ; slot = (slot + 1) & this.mask) {
      const key = this.keys[slot]!
      if (key === lineIndex) return this.values[slot]
      if (key === EMPTY) return undefined
    }
  }

  /** Adds a line that is not in the table yet. */
  add (lineIndex: number, value: T): void {
    // At most half full, so probes stay short and a free slot always exists.
    if ((this.count + 1) * 2 > this.keys.length) this.grow()
    let slot = this.home(lineIndex)
    while (this.keys[slot] !== EMPTY) {
      if (this.keys[slot] === lineIndex) throw new Error(`line ${lineIndex} is already in flight`)
      slot = (slot + 1) & this.mask
    }
    this.keys[slot] = lineIndex
    this.values[slot] = value
    this.count++
  }

  delete (lineIndex: number): boolean {
    let slot = this.home(lineIndex)
    for (; ; slot = (slot + 1) & this.mask) {
      const key = this.keys[slot]!
      if (key === lineIndex) break
      if (key === EMPTY) return false
    }
    this.count--
    // Backward-shift deletion: move later entries of the same probe run into the gap, so that
    // no tombstones pile up and every search still stops at the first empty slot.
    let gap = slot
    for (let next = (gap + 1) & this.mask; this.keys[next] !== EMPTY; next = (next + 1) & this.mask) {
      const home = this.home(this.keys[next]!)
      // Movable when its home is not in the cyclic range (gap, next].
      const movable = gap <= next ? home <= gap || home > next : home <= gap && home > next
      if (!movable) continue
      this.keys[gap] = this.keys[next]!
      this.values[gap] = this.values[next]
      gap = next
    }
    this.keys[gap] = EMPTY
    this.values[gap] = undefined
    return true
  }

  private home (lineIndex: number): number {
    // Line indexes go past 2^32; mix both halves, then spread with a multiplicative hash.
    const low = lineIndex >>> 0
    const high = (lineIndex / 4294967296) >>> 0
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> 0 & this.mask
  }

  private grow (): void {
    const oldKeys = this.keys
    const oldValues = this.values
    const capacity = oldKeys.length * 2
    this.keys = new Float64Array(capacity).fill(EMPTY)
    this.values = new Array<T | undefined>(capacity).fill(undefined)
    this.mask = capacity - 1
    this.count = 0
    for (let slot = 0; slot < oldKeys.length; slot++) {
      if (oldKeys[slot] !== EMPTY) this.add(oldKeys[slot]!, oldValues[slot] as T)
    }
    // The old arrays are garbage now; clear the values so a promoted copy holds no lookup.
    oldValues.fill(undefined)
  }
}
