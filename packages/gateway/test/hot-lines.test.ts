import test from 'ava'
import { createLineCache } from '../src/cache.js'
import { createCacheAdmission } from '../src/cache-admission.js'
import { createHotLines } from '../src/hot-lines.js'

const MiB = 1024 * 1024

test('a line offered after a miss is answered from the cache with the same bytes', (t) => {
  const hotLines = createHotLines(createLineCache({ maxBytes: MiB, maxLineBytes: 1024 }))
  const line = Buffer.from([0x00, 0xff, 0x0d, 0xe2, 0x82, 0xac, 0x80])
  t.is(hotLines.lookup(5), undefined)
  hotLines.offer(5, line)
  t.deepEqual(hotLines.lookup(5), line)
  t.is(hotLines.lookup(6), undefined)
})

test('hits count for the admission: without them a cache with room stops taking every miss', (t) => {
  const window = 64
  // Two caches fed the same lookups: one records its hits through lookup(), one's hits are
  // thrown away before the admission sees them.
  const cache = createLineCache({ maxBytes: MiB, maxLineBytes: 1024 })
  const hotLines = createHotLines(cache, createCacheAdmission({ reuseWindow: window }))
  const line = Buffer.from('x')
  for (let i = 0; i < 8; i++) hotLines.offer(i, line)
  for (let round = 0; round < 4 * window; round++) hotLines.lookup(round % 8)
  // Every lookup of the last window hit, so the cache still takes a first-time line.
  hotLines.offer(1000, line)
  t.truthy(hotLines.lookup(1000))

  const blind = createLineCache({ maxBytes: MiB, maxLineBytes: 1024 })
  const blindAdmission = createCacheAdmission({ reuseWindow: window })
  const blindLines = createHotLines(blind, blindAdmission)
  // Misses only: a window without hits turns free filling off, and a first sighting stays out.
  for (let i = 0; i < 2 * window; i++) blindLines.offer(10_000 + i * 7919, line)
  blindLines.offer(1000, line)
  t.is(blindLines.lookup(1000), undefined)
})

test('a line longer than the cache takes is offered and dropped, and later lookups still miss', (t) => {
  const hotLines = createHotLines(createLineCache({ maxBytes: MiB, maxLineBytes: 16 }))
  hotLines.offer(1, Buffer.alloc(17, 0x61))
  t.is(hotLines.lookup(1), undefined)
  hotLines.offer(2, Buffer.alloc(16, 0x61))
  t.deepEqual(hotLines.lookup(2), Buffer.alloc(16, 0x61))
})

test('a disabled cache (budget 0) never answers', (t) => {
  const hotLines = createHotLines(createLineCache({ maxBytes: 0, maxLineBytes: 1024 }))
  hotLines.offer(1, Buffer.from('a'))
  hotLines.offer(1, Buffer.from('a'))
  t.is(hotLines.lookup(1), undefined)
})
