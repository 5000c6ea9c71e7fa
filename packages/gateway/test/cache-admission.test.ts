import test from 'ava'
import { createCacheAdmission, FREE_FILL_HIT_SHARE } from '../src/cache-admission.js'

// A cache that is full: every admission goes through the doorkeeper.
const FULL = false
const ROOM = true

test('a full cache admits a line on its second miss, not its first', (t) => {
  const admission = createCacheAdmission()
  t.false(admission.admit(42, FULL))
  t.true(admission.admit(42, FULL))
  t.true(admission.admit(42, FULL))
})

test('the doorkeeper forgets first sightings after its window of misses', (t) => {
  const admission = createCacheAdmission({ doorkeeperWindow: 10 })
  t.false(admission.admit(7, FULL))
  for (let i = 100; i < 110; i++) admission.admit(i, FULL)
  t.false(admission.admit(7, FULL), 'the window was wiped, so this is a first sighting again')
})

test('a full cache admits few of a stream of distinct lines and most of a repeated hot set', (t) => {
  const admission = createCacheAdmission()
  let admittedDistinct = 0
  for (let i = 0; i < 100_000; i++) if (admission.admit(1_000_000 + i * 7919, FULL)) admittedDistinct++
  t.true(admittedDistinct < 5000, `${admittedDistinct} of 100000 distinct lines admitted (hash collisions only)`)
  let admittedHot = 0
  for (let round = 0; round < 10; round++) for (let i = 0; i < 1000; i++) if (admission.admit(i, FULL)) admittedHot++
  t.true(admittedHot >= 9000, `${admittedHot} of 10000 hot lookups admitted`)
})

test('a cold cache with room takes every miss from the first request', (t) => {
  const admission = createCacheAdmission({ reuseWindow: 100 })
  for (let i = 0; i < 99; i++) t.true(admission.admit(i, ROOM), `first sighting of line ${i}`)
})

test('a cache with room stops taking every miss after a window without enough hits, and starts again once hits come back', (t) => {
  const window = 800
  const admission = createCacheAdmission({ reuseWindow: window })
  // One window of uniform-looking traffic: distinct lines, hardly any hits.
  for (let i = 0; i < window - 10; i++) admission.admit(1_000_000 + i, ROOM)
  for (let i = 0; i < 10; i++) admission.hit()
  t.false(admission.admit(5, ROOM), 'a first sighting now has to wait for its second miss')
  t.true(admission.admit(5, ROOM), 'the second miss is admitted')
  // Finish that window, then a window where exactly the threshold share of lookups hit.
  for (let i = 2; i < window; i++) admission.admit(2_000_000 + i, ROOM)
  const hits = Math.ceil(window * FREE_FILL_HIT_SHARE)
  for (let i = 0; i < hits; i++) admission.hit()
  for (let i = hits; i < window; i++) admission.admit(3_000_000 + i, ROOM)
  t.true(admission.admit(4_000_000, ROOM), 'hits came back: every miss goes in again')
})

test('one hit short of the threshold share is not enough', (t) => {
  const window = 800
  const admission = createCacheAdmission({ reuseWindow: window })
  const hits = Math.ceil(window * FREE_FILL_HIT_SHARE) - 1
  for (let i = 0; i < hits; i++) admission.hit()
  for (let i = hits; i < window; i++) admission.admit(1_000_000 + i, ROOM)
  t.false(admission.admit(7, ROOM))
})

test('hits never let a full cache skip the doorkeeper', (t) => {
  const admission = createCacheAdmission({ reuseWindow: 10 })
  for (let i = 0; i < 100; i++) admission.hit()
  t.false(admission.admit(9, FULL))
  t.true(admission.admit(9, FULL))
})

test('handles line numbers past 2^32', (t) => {
  const admission = createCacheAdmission()
  t.false(admission.admit(2 ** 40 + 5, FULL))
  t.true(admission.admit(2 ** 40 + 5, FULL))
})
