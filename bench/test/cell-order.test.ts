import test from 'ava'
import { cellOrder } from '../src/harness.js'

test('each cell rotates the systems by one more place, so each runs first equally often', (t) => {
  const systems = ['ours', 'nginx', 'node'] as const
  t.deepEqual(cellOrder(systems, 0), ['ours', 'nginx', 'node'])
  t.deepEqual(cellOrder(systems, 1), ['nginx', 'node', 'ours'])
  t.deepEqual(cellOrder(systems, 2), ['node', 'ours', 'nginx'])
  t.deepEqual(cellOrder(systems, 3), ['ours', 'nginx', 'node'])
  const firsts = new Map<string, number>()
  for (let cell = 0; cell < 18; cell++) {
    const order = cellOrder(systems, cell)
    t.deepEqual([...order].sort(), [...systems].sort(), 'every system runs in every cell')
    firsts.set(order[0]!, (firsts.get(order[0]!) ?? 0) + 1)
  }
  t.deepEqual([...firsts.values()], [6, 6, 6])
})

test('one system, or none, runs as given', (t) => {
  t.deepEqual(cellOrder(['ours'], 5), ['ours'])
  t.deepEqual(cellOrder([], 3), [])
})
