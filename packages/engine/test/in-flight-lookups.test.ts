import test from 'ava'
import { createRandom } from '@line-server/testkit'
import { InFlightLookups } from '../src/in-flight-lookups.js'

test('behaves as a Map over a long random run of adds and deletes, through growth', (t) => {
  const random = createRandom(7)
  const table = new InFlightLookups<string>()
  const reference = new Map<number, string>()
  // Keys crowd into a small range, so probe runs collide, wrap around and shift back on delete;
  // some are far past 2^32, which the hash must tell apart from their low halves.
  const keyOf = (): number => {
    const small = Math.floor(random() * 3000)
    return random() < 0.2 ? small + 2 ** 32 * (1 + Math.floor(random() * 3)) : small
  }
  for (let step = 0; step < 200_000; step++) {
    const key = keyOf()
    const present = reference.has(key)
    t.is(table.get(key), reference.get(key))
    if (!present && random() < 0.55) {
      table.add(key, `v${step}`)
      reference.set(key, `v${step}`)
    } else if (present) {
      t.true(table.delete(key))
      reference.delete(key)
    } else {
      t.false(table.delete(key))
    }
    if (table.size !== reference.size) return t.fail(`size ${table.size} against ${reference.size} at step ${step}`)
  }
  for (const [key, value] of reference) t.is(table.get(key), value)
  t.true(reference.size > 1024, 'the run grew the table past its first capacity')
})

test('holds line indexes up to 2^53 and zero, apart from one another', (t) => {
  const table = new InFlightLookups<number>()
  const keys = [0, 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53 - 2, 4294967295]
  keys.forEach((key, i) => { table.add(key, i) })
  keys.forEach((key, i) => { t.is(table.get(key), i) })
  t.is(table.get(2), undefined)
  t.true(table.delete(2 ** 32))
  t.is(table.get(2 ** 32), undefined)
  t.is(table.get(2 ** 32 + 1), 3)
  t.is(table.size, keys.length - 1)
})

test('refuses to add a line twice: coalescing must have found it first', (t) => {
  const table = new InFlightLookups<string>()
  table.add(42, 'first')
  t.throws(() => { table.add(42, 'second') }, { message: /already in flight/ })
  t.is(table.get(42), 'first')
})

test('a full cycle of adds then deletes leaves it empty and usable', (t) => {
  const table = new InFlightLookups<number>()
  for (let i = 0; i < 50_000; i++) table.add(i * 7919, i)
  t.is(table.size, 50_000)
  for (let i = 0; i < 50_000; i++) t.true(table.delete(i * 7919))
  t.is(table.size, 0)
  for (let i = 0; i < 50_000; i += 997) t.is(table.get(i * 7919), undefined)
  table.add(5, 5)
  t.is(table.get(5), 5)
})
