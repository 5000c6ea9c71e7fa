import test from 'ava'
import { createRandom } from '@line-server/testkit'
import { BLOCK_COST_BYTES, BLOCK_DATA_BYTES, LineBlocks, blocksForLine } from '../src/line-blocks.js'

const SLAB_BLOCKS = 16384

function lineOf (length: number, salt: number): Buffer {
  const line = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) line[i] = (i * 31 + salt * 17) & 0xff
  return line
}

test('gives back each line exactly, at every length around the block size', (t) => {
  const blocks = new LineBlocks()
  const lengths = [0, 1, BLOCK_DATA_BYTES - 1, BLOCK_DATA_BYTES, BLOCK_DATA_BYTES + 1, 2 * BLOCK_DATA_BYTES, 1000, 65536, 1 << 20]
  const handles = lengths.map((length, i) => blocks.write(lineOf(length, i)))
  lengths.forEach((length, i) => t.deepEqual(blocks.read(handles[i]!), lineOf(length, i), `${length} bytes`))
  t.is(blocks.blocksInUse, lengths.reduce((sum, length) => sum + blocksForLine(length), 0))
})

test('each read is a fresh copy', (t) => {
  const blocks = new LineBlocks()
  const handle = blocks.write(Buffer.from('line two'))
  blocks.read(handle).fill(0x3f)
  t.deepEqual(blocks.read(handle), Buffer.from('line two'))
})

test('reuses freed blocks before taking fresh ones', (t) => {
  const blocks = new LineBlocks()
  const first = blocks.write(lineOf(300, 1))
  blocks.write(lineOf(10, 2))
  blocks.free(first)
  t.is(blocks.blocksInUse, 1)
  const again = blocks.write(lineOf(250, 3))
  t.is(again, first, 'the freed chain comes back from its head')
  t.deepEqual(blocks.read(again), lineOf(250, 3))
  t.is(blocks.allocatedBytes, SLAB_BLOCKS * BLOCK_COST_BYTES)
})

test('a line may span slabs and scattered blocks', (t) => {
  const blocks = new LineBlocks()
  // Fill the first slab but for two blocks, with one-block lines, then free every other one.
  const singles: number[] = []
  for (let i = 0; i < SLAB_BLOCKS - 2; i++) singles.push(blocks.write(lineOf(5, i)))
  for (let i = 0; i < singles.length; i += 2) blocks.free(singles[i]!)
  // A long line now takes scattered freed blocks; the next takes the two left and a second slab.
  const scattered = blocks.write(lineOf(100 * BLOCK_DATA_BYTES + 7, 1))
  t.deepEqual(blocks.read(scattered), lineOf(100 * BLOCK_DATA_BYTES + 7, 1))
  for (let i = 0; i < singles.length; i += 2) {
    if (i >= 2 * 101) blocks.write(lineOf(5, i))
  }
  const across = blocks.write(lineOf(10 * BLOCK_DATA_BYTES, 2))
  t.deepEqual(blocks.read(across), lineOf(10 * BLOCK_DATA_BYTES, 2))
  t.is(blocks.allocatedBytes, 2 * SLAB_BLOCKS * BLOCK_COST_BYTES)
  for (let i = 1; i < singles.length; i += 2) t.deepEqual(blocks.read(singles[i]!), lineOf(5, i))
})

test('random writes and frees against a model never mix lines up or leak blocks', (t) => {
  const blocks = new LineBlocks()
  const live = new Map<number, { readonly length: number, readonly salt: number }>()
  const random = createRandom(7)
  let peakBlocks = 0
  for (let step = 0; step < 100_000; step++) {
    if (live.size > 0 && random() < 0.48) {
      // Free a random live line: the first key after a random skip.
      let skip = Math.floor(random() * Math.min(live.size, 50))
      for (const [handle] of live) {
        if (skip-- > 0) continue
        const { length, salt } = live.get(handle)!
        if (!blocks.read(handle).equals(lineOf(length, salt))) { t.fail(`line at ${handle} changed before its free`); return }
        blocks.free(handle)
        live.delete(handle)
        break
      }
    } else {
      const length = random() < 0.05 ? Math.floor(random() * 5000) : Math.floor(random() * 200)
      const handle = blocks.write(lineOf(length, step))
      if (live.has(handle)) { t.fail(`handle ${handle} handed out twice`); return }
      live.set(handle, { length, salt: step })
    }
    peakBlocks = Math.max(peakBlocks, blocks.blocksInUse)
  }
  let expectedBlocks = 0
  for (const [handle, { length, salt }] of live) {
    expectedBlocks += blocksForLine(length)
    if (!blocks.read(handle).equals(lineOf(length, salt))) { t.fail(`line at ${handle} changed`); return }
  }
  t.is(blocks.blocksInUse, expectedBlocks)
  t.true(blocks.allocatedBytes <= (Math.ceil(peakBlocks / SLAB_BLOCKS) + 0) * SLAB_BLOCKS * BLOCK_COST_BYTES, 'slabs only for the peak of blocks in use')
})

test('clear releases every slab and starts over', (t) => {
  const blocks = new LineBlocks()
  blocks.write(lineOf(100_000, 1))
  t.true(blocks.allocatedBytes > 0)
  blocks.clear()
  t.is(blocks.allocatedBytes, 0)
  t.is(blocks.blocksInUse, 0)
  const handle = blocks.write(Buffer.from('again'))
  t.deepEqual(blocks.read(handle), Buffer.from('again'))
})
