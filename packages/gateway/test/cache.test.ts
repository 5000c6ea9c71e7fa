import test from 'ava'
import { CACHE_ENTRY_OVERHEAD_BYTES, createLineCache } from '../src/cache.js'

test('keeps what it was given and counts bytes with the per-entry overhead', (t) => {
  const cache = createLineCache({ maxBytes: 10_000, maxLineBytes: 1000 })
  cache.set(1, Buffer.from('hello'))
  t.deepEqual(cache.get(1), Buffer.from('hello'))
  t.is(cache.get(2), undefined)
  t.is(cache.entries(), 1)
  t.is(cache.bytes(), 5 + CACHE_ENTRY_OVERHEAD_BYTES)
})

test('never holds more bytes than its budget, evicting the least recently used', (t) => {
  const lineBytes = 100
  const budget = 10 * (lineBytes + CACHE_ENTRY_OVERHEAD_BYTES)
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
  const budget = 20 * CACHE_ENTRY_OVERHEAD_BYTES
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
  t.is(cache.bytes(), CACHE_ENTRY_OVERHEAD_BYTES)
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
  for (const maxBytes of [0, CACHE_ENTRY_OVERHEAD_BYTES]) {
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
  t.is(cache.get(1), undefined)
})

test('has room for a line only while it fits without evicting', (t) => {
  const cache = createLineCache({ maxBytes: 3 * (10 + CACHE_ENTRY_OVERHEAD_BYTES), maxLineBytes: 100 })
  t.true(cache.hasRoomFor(10))
  cache.set(0, Buffer.alloc(10))
  cache.set(1, Buffer.alloc(10))
  t.true(cache.hasRoomFor(10))
  t.false(cache.hasRoomFor(11))
  cache.set(2, Buffer.alloc(10))
  t.false(cache.hasRoomFor(0))
  t.is(cache.entries(), 3)
  cache.clear()
  t.true(cache.hasRoomFor(10))
  t.false(createLineCache({ maxBytes: 0, maxLineBytes: 100 }).hasRoomFor(0), 'a disabled cache never has room')
})
