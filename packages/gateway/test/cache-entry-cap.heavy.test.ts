import test from 'ava'
import { MAX_CACHE_ENTRIES, createLineCache } from '../src/cache.js'

// The case that used to break the cache: a budget big enough for more short lines than V8's
// Map can churn through. Before the entry cap, inserts began to throw "Map maximum size
// exceeded" once the cache was full and evicting (every miss then failed); with lines on the
// heap, the heap also neared its limit first.
test('a budget of many short lines stops at the entry cap and keeps serving through churn', (t) => {
  const cache = createLineCache({ maxBytes: 6 * 2 ** 30, maxLineBytes: 65536 })
  const lineOf = (n: number): Buffer => Buffer.from(`line ${n} `.padEnd(40, '.'))
  const inserts = MAX_CACHE_ENTRIES + 2 * 2 ** 23
  for (let n = 0; n < inserts; n++) cache.set(n, lineOf(n))
  t.is(cache.entries(), MAX_CACHE_ENTRIES)
  t.deepEqual(cache.get(inserts - 1), lineOf(inserts - 1))
  t.deepEqual(cache.get(inserts - MAX_CACHE_ENTRIES), lineOf(inserts - MAX_CACHE_ENTRIES))
  t.is(cache.get(inserts - MAX_CACHE_ENTRIES - 1), undefined, 'the least recently used went first')
  t.true(cache.bytes() < 6 * 2 ** 30)
})
