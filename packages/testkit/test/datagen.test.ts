import test from 'ava'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expectedLine, generateDataFile } from '../src/index.js'

test('every generated line equals expectedLine for its number', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'datagen-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const path = join(dir, 'data.txt')
  const result = generateDataFile(path, 200_000, { seed: 7 })
  const lines = readFileSync(path).toString('latin1').split('\n')
  t.is(lines.pop(), '')
  t.is(lines.length, result.lines)
  for (let n = 1; n <= lines.length; n++) t.is(lines[n - 1], expectedLine(n, { seed: 7 }).toString('latin1'))
})

test('the same seed gives the same file and another seed another', (t) => {
  t.deepEqual(expectedLine(12345, { seed: 1 }), expectedLine(12345, { seed: 1 }))
  const differing = [1, 2, 3, 4, 5, 6, 7, 8].filter((n) => !expectedLine(n, { seed: 1 }).equals(expectedLine(n, { seed: 2 })))
  t.true(differing.length > 0)
})
