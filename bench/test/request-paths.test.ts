import test from 'ava'
import { lineNumbers, popularLinesShare, repeatShare, zipfRank } from '../src/request-paths.js'

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

test('zipfRank maps u in [0, 1) to ranks 1..n for exponents on both sides of 1 and at 1', (t) => {
  for (const s of [0.5, 0.99, 1, 1.01, 1.1, 2]) {
    const ranks = Array.from({ length: 1001 }, (_, i) => zipfRank(i / 1001, 1000, s))
    t.true(ranks.every((r) => Number.isInteger(r) && r >= 1 && r <= 1000), `s=${s}: ${ranks.find((r) => !(Number.isInteger(r) && r >= 1 && r <= 1000))}`)
    t.is(ranks[0], 1, `s=${s}`)
    for (let i = 1; i < ranks.length; i++) t.true(ranks[i]! >= ranks[i - 1]!, `s=${s}: ranks grow with u`)
  }
  // At s = 1 the share of ranks up to k is about ln(k) / ln(n): half the draws land in the top sqrt(n).
  const draws = Array.from({ length: 10_000 }, (_, i) => zipfRank((i + 0.5) / 10_000, 1_000_000, 1))
  const inTop1000 = draws.filter((r) => r <= 1000).length / draws.length
  t.true(Math.abs(inTop1000 - 0.5) < 0.01, `${inTop1000}`)
})

test('popularLinesShare matches the share of sampled hot draws that land on the top ranks', (t) => {
  const lines = 1_000_000
  for (const s of [0.8, 1, 1.1, 1.5]) {
    const draws = 200_000
    for (const top of [1, 100, 10_000, 250_000]) {
      let inside = 0
      for (let i = 0; i < draws; i++) if (zipfRank((i + 0.5) / draws, lines, s) <= top) inside++
      const share = popularLinesShare('hot', lines, top, s)
      t.true(Math.abs(share - inside / draws) < 0.001, `s=${s} top=${top}: ${share} against ${inside / draws} sampled`)
    }
  }
})

test('popularLinesShare: even patterns give top/lines, and the edges are 0 and 1', (t) => {
  t.is(popularLinesShare('uniform', 1000, 250, 1.1), 0.25)
  t.is(popularLinesShare('sequential', 1000, 10, 1.1), 0.01)
  for (const pattern of ['uniform', 'hot', 'sequential'] as const) {
    t.is(popularLinesShare(pattern, 1000, 0, 1.1), 0)
    t.is(popularLinesShare(pattern, 1000, 1000, 1.1), 1)
    t.is(popularLinesShare(pattern, 1000, 5000, 1.1), 1)
  }
})
