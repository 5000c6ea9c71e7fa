import test from 'ava'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createNewlineScanner } from '../src/newline-scanner.js'

const packageRoot = fileURLToPath(new URL('../../', import.meta.url))

test('the generated module matches newline-scan.wat (run pnpm --filter indexer build:wasm after editing it)', async (t) => {
  const { assembleNewlineScanner, renderModule } = await import(`${packageRoot}scripts/build-wasm.mjs`) as {
    assembleNewlineScanner: () => Promise<Buffer>
    renderModule: (bytes: Buffer) => string
  }
  t.is(readFileSync(`${packageRoot}src/newline-scan-wasm.ts`, 'utf8'), renderModule(await assembleNewlineScanner()))
})

function reference (bytes: Buffer, start: number, end: number, need: number): { at: number, found: number } {
  let found = 0
  for (let i = start; i < end; i++) {
    if (bytes[i] !== 0x0a) continue
    found++
    if (found === need) return { at: i, found }
  }
  return { at: -1, found }
}

test('finds the n-th newline like a byte loop does, across vector and tail boundaries', (t) => {
  const scanner = createNewlineScanner(4096)
  let seed = 12345
  const random = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed }
  for (let round = 0; round < 300; round++) {
    const density = 1 + (round % 40)
    for (let i = 0; i < 4096; i++) scanner.chunk[i] = random() % density === 0 ? 0x0a : 0x61
    const start = random() % 200
    const end = start + (random() % 3800)
    const need = 1 + (random() % 70)
    const expected = reference(scanner.chunk, start, end, need)
    const at = scanner.findNthNewline(start, end, need)
    t.is(at, expected.at, `round ${round}`)
    if (at === -1) t.is(scanner.lastFound(), expected.found, `round ${round} count`)
  }
})

test('an empty range finds nothing and counts zero', (t) => {
  const scanner = createNewlineScanner(64)
  scanner.chunk.fill(0x0a)
  t.is(scanner.findNthNewline(10, 10, 1), -1)
  t.is(scanner.lastFound(), 0)
  t.is(scanner.findNthNewline(0, 64, 64), 63)
})
