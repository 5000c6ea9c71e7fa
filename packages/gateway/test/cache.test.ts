import test from 'ava'
import { createRandom } from '@line-server/testkit'
import { CACHE_ENTRY_OVERHEAD_BYTES, MAX_CACHE_ENTRIES, cacheEntryBytes, createLineCache } from '../src/cache.js'
import { BLOCK_COST_BYTES, BLOCK_DATA_BYTES } from '../src/line-blocks.js'

test('keeps what it was given and counts bytes with the per-entry overhead', (t) => {
  const cache = createLineCache({ maxBytes: 10_000, maxLineBytes: 1000 })
  cache.set(1, Buffer.from('hello'))
  t.deepEqual(cache.get(1), Buffer.from('hello'))
  t.is(cache.get(2), undefined)
  t.is(cache.entries(), 1)
  t.is(cache.bytes(), BLOCK_COST_BYTES + CACHE_ENTRY_OVERHEAD_BYTES)
})

test('never holds more bytes than its budget, evicting the least recently used', (t) => {
  const lineBytes = 100
  const budget = 10 * cacheEntryBytes(lineBytes)
  const cache = createLineCache({ maxBytes: budget, maxLineBytes: 1000 })
  for (let i = 0; i < 100; i++) {
    cache.set(i, Buffer.alloc(lineBytes, i))
    t.true(cache.bytes() <= budget, `after ${i + 1} lines`)
    // Touch line 0 so it stays the most recently used.
    cache.get(0)
  }
  t.is(cache.entries(), 10)
  t.deepEqual(cache.get(0), Buffer.alloc(lineBytes, 0))
  t.deepEqual(cache.get(99), Buffer.alloc(lineBytes, 99))
  t.is(cache.get(1), undefined)
})

test('keeps many empty lines within its budget', (t) => {
  const budget = 20 * cacheEntryBytes(0)
  const cache = createLineCache({ maxBytes: budget, maxLineBytes: 1000 })
  for (let i = 0; i < 1000; i++) cache.set(i, Buffer.alloc(0))
  t.is(cache.entries(), 20)
  t.true(cache.bytes() <= budget)
})

test('caches an empty line', (t) => {
  const cache = createLineCache({ maxBytes: 10_000, maxLineBytes: 1000 })
  cache.set(7, Buffer.alloc(0))
  const cached = cache.get(7)
  t.not(cached, undefined)
  t.is(cached?.length, 0)
  t.is(cache.bytes(), cacheEntryBytes(0))
})

test('lets lines longer than the line cap bypass it', (t) => {
  const cache = createLineCache({ maxBytes: 100_000, maxLineBytes: 100 })
  cache.set(1, Buffer.alloc(100, 'a'))
  cache.set(2, Buffer.alloc(101, 'b'))
  t.deepEqual(cache.get(1), Buffer.alloc(100, 'a'))
  t.is(cache.get(2), undefined)
  t.is(cache.entries(), 1)
})

test('lets a line bigger than the whole budget bypass it without evicting others', (t) => {
  const cache = createLineCache({ maxBytes: 1000, maxLineBytes: 1_000_000 })
  cache.set(1, Buffer.from('small'))
  cache.set(2, Buffer.alloc(5000, 'x'))
  t.is(cache.get(2), undefined)
  t.deepEqual(cache.get(1), Buffer.from('small'))
})

test('keeps a copy, not a view into the buffer it was given', (t) => {
  const cache = createLineCache({ maxBytes: 10_000, maxLineBytes: 1000 })
  const batch = Buffer.from('line one|line two|line three')
  const view = batch.subarray(9, 17)
  cache.set(2, view)
  batch.fill(0x21)
  const cached = cache.get(2)
  t.deepEqual(cached, Buffer.from('line two'))
  cached?.fill(0x3f)
  t.deepEqual(cache.get(2), Buffer.from('line two'), 'each get hands out its own buffer')
})

test('gives back every byte value exactly, invalid UTF-8 included', (t) => {
  const cache = createLineCache({ maxBytes: 10_000, maxLineBytes: 1000 })
  const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
  cache.set(1, everyByte)
  cache.set(2, Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xe2, 0x82]))
  t.deepEqual(cache.get(1), everyByte)
  t.deepEqual(cache.get(2), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xe2, 0x82]))
})

test('a budget of zero or below one entry disables it', (t) => {
  for (const maxBytes of [0, cacheEntryBytes(0) - 1]) {
    const cache = createLineCache({ maxBytes, maxLineBytes: 1000 })
    cache.set(1, Buffer.from('x'))
    t.is(cache.get(1), undefined)
    t.is(cache.entries(), 0)
    t.is(cache.bytes(), 0)
  }
})

test('clear drops every line', (t) => {
  const cache = createLineCache({ maxBytes: 10_000, maxLineBytes: 1000 })
  cache.set(1, Buffer.from('a'))
  cache.set(2, Buffer.from('b'))
  cache.clear()
  t.is(cache.entries(), 0)
  t.is(cache.bytes(), 0)
  t.is(cache.memoryBytes(), 0)
  t.is(cache.get(1), undefined)
  cache.set(3, Buffer.from('after'))
  cache.set(4, Buffer.alloc(500, 'z'))
  t.deepEqual(cache.get(3), Buffer.from('after'))
  t.deepEqual(cache.get(4), Buffer.alloc(500, 'z'))
  t.is(cache.bytes(), cacheEntryBytes(5) + cacheEntryBytes(500))
})

test('has room for a line only while it fits without evicting', (t) => {
  const cache = createLineCache({ maxBytes: 3 * cacheEntryBytes(10), maxLineBytes: 100 })
  t.true(cache.hasRoomFor(10))
  cache.set(0, Buffer.alloc(10))
  cache.set(1, Buffer.alloc(10))
  t.true(cache.hasRoomFor(BLOCK_DATA_BYTES))
  t.false(cache.hasRoomFor(BLOCK_DATA_BYTES + 1), 'a second block would not fit')
  cache.set(2, Buffer.alloc(10))
  t.false(cache.hasRoomFor(0))
  t.is(cache.entries(), 3)
  cache.clear()
  t.true(cache.hasRoomFor(10))
  t.false(createLineCache({ maxBytes: 0, maxLineBytes: 100 }).hasRoomFor(0), 'a disabled cache never has room')
})

test('charges each line its blocks and its entry', (t) => {
  t.is(cacheEntryBytes(0), BLOCK_COST_BYTES + CACHE_ENTRY_OVERHEAD_BYTES)
  t.is(cacheEntryBytes(BLOCK_DATA_BYTES), BLOCK_COST_BYTES + CACHE_ENTRY_OVERHEAD_BYTES)
  t.is(cacheEntryBytes(BLOCK_DATA_BYTES + 1), 2 * BLOCK_COST_BYTES + CACHE_ENTRY_OVERHEAD_BYTES)
  t.is(cacheEntryBytes(65536), 1024 * BLOCK_COST_BYTES + CACHE_ENTRY_OVERHEAD_BYTES)
})

test('holds no more lines than its entry cap, evicting the least recently used', (t) => {
  const cache = createLineCache({ maxBytes: 1_000_000, maxLineBytes: 1000, maxEntries: 5 })
  for (let i = 0; i < 20; i++) {
    cache.set(i, Buffer.from(`line ${i}`))
    cache.get(0)
    t.true(cache.entries() <= 5)
  }
  t.is(cache.entries(), 5)
  t.deepEqual(cache.get(0), Buffer.from('line 0'))
  t.deepEqual(cache.get(19), Buffer.from('line 19'))
  t.is(cache.get(1), undefined)
  t.false(cache.hasRoomFor(0), 'at the cap nothing fits without evicting')
})

test('keeps its entry cap where a V8 Map can churn', (t) => {
  t.true(MAX_CACHE_ENTRIES <= 2 ** 23)
  const cache = createLineCache({ maxBytes: 1_000_000, maxLineBytes: 1000, maxEntries: 2 ** 30 })
  t.true(cache.hasRoomFor(0), 'a larger cap asked for is clamped, not refused')
})

test('keeping a line twice keeps the first copy and charges it once', (t) => {
  const cache = createLineCache({ maxBytes: 10_000, maxLineBytes: 1000 })
  cache.set(3, Buffer.from('first'))
  cache.set(3, Buffer.from('second'))
  t.deepEqual(cache.get(3), Buffer.from('first'))
  t.is(cache.entries(), 1)
  t.is(cache.bytes(), cacheEntryBytes(5))
})

test('under random churn it hands back exact bytes and its memory stays within the budget', (t) => {
  const budget = 2_000_000
  const cache = createLineCache({ maxBytes: budget, maxLineBytes: 4096 })
  // Each line number always has the same content, so any hit can be checked.
  const lineFor = (n: number): Buffer => Buffer.alloc((n * 7919) % 700, String.fromCharCode(33 + (n % 90)) + `#${n}#`)
  const random = createRandom(12345)
  let hits = 0
  for (let i = 0; i < 60_000; i++) {
    const n = Math.floor(random() ** 2 * 20_000)
    const cached = cache.get(n)
    if (cached === undefined) cache.set(n, lineFor(n))
    else {
      hits++
      if (!cached.equals(lineFor(n))) { t.fail(`line ${n} came back changed`); return }
    }
    if (cache.bytes() > budget) { t.fail(`${cache.bytes()} bytes charged over a budget of ${budget}`); return }
  }
  t.true(hits > 10_000, `${hits} hits`)
  t.true(cache.memoryBytes() <= budget + 16384 * BLOCK_COST_BYTES, `${cache.memoryBytes()} bytes of slabs`)
  cache.clear()
  t.is(cache.memoryBytes(), 0)
})
