import test from 'ava'
import { createCacheAdmission } from '../src/cache-admission.js'

test('admits a line on its second miss, not its first', (t) => {
  const admission = createCacheAdmission()
  t.false(admission.admit(42))
  t.true(admission.admit(42))
  t.true(admission.admit(42))
})

test('forgets first sightings after its window of lookups', (t) => {
  const admission = createCacheAdmission(10)
  t.false(admission.admit(7))
  for (let i = 100; i < 110; i++) admission.admit(i)
  t.false(admission.admit(7), 'the window was wiped, so this is a first sighting again')
})

test('admits few of a stream of distinct lines and most of a repeated hot set', (t) => {
  const admission = createCacheAdmission()
  let admittedDistinct = 0
  for (let i = 0; i < 100_000; i++) if (admission.admit(1_000_000 + i * 7919)) admittedDistinct++
  t.true(admittedDistinct < 5000, `${admittedDistinct} of 100000 distinct lines admitted (hash collisions only)`)
  let admittedHot = 0
  for (let round = 0; round < 10; round++) for (let i = 0; i < 1000; i++) if (admission.admit(i)) admittedHot++
  t.true(admittedHot >= 9000, `${admittedHot} of 10000 hot lookups admitted`)
})

test('handles line numbers past 2^32', (t) => {
  const admission = createCacheAdmission()
  t.false(admission.admit(2 ** 40 + 5))
  t.true(admission.admit(2 ** 40 + 5))
})
