import test from 'ava'
import { lineNumbers, repeatShare } from '../src/request-paths.js'

test('repeatShare counts the requests for a line asked for earlier in the list', (t) => {
  t.is(repeatShare(Uint32Array.of(1, 2, 1, 3, 1, 2)), 3 / 6)
  t.is(repeatShare(Uint32Array.of(5, 6, 7)), 0)
  t.is(repeatShare(new Uint32Array(0)), 0)
})

test('a new seed gives new uniform draws, while the hot pattern keeps the same hot lines', (t) => {
  const lines = 1_000_000
  const uniformA = lineNumbers('uniform', lines, 10_000, 1, 1.1)
  const uniformB = lineNumbers('uniform', lines, 10_000, 2, 1.1)
  const shared = new Set(uniformA)
  t.true(uniformB.filter((n) => shared.has(n)).length < 200, 'uniform lists of two cells barely overlap')
  const top = (numbers: Uint32Array): number => {
    const counts = new Map<number, number>()
    for (const n of numbers) counts.set(n, (counts.get(n) ?? 0) + 1)
    return [...counts].sort((a, b) => b[1] - a[1])[0]![0]
  }
  t.is(top(lineNumbers('hot', lines, 10_000, 1, 1.1)), top(lineNumbers('hot', lines, 10_000, 2, 1.1)), 'the hottest line is the same in both cells')
})

test('a sequential walk starts where the previous seed\'s list ended, and seed 1 starts at line 1', (t) => {
  t.deepEqual([...lineNumbers('sequential', 10, 4, 1, 1.1)], [1, 2, 3, 4])
  t.deepEqual([...lineNumbers('sequential', 10, 4, 2, 1.1)], [5, 6, 7, 8])
  t.deepEqual([...lineNumbers('sequential', 10, 4, 3, 1.1)], [9, 10, 1, 2])
})
