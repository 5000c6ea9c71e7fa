// The end-of-turn helpers of the ladder's rungs: one promise per event-loop turn, one worker
// message per turn answered line by line, as the echo worker does, and one read on the main
// thread per turn.
import test from 'ava'
import { Worker } from 'node:worker_threads'
import { createTurnEnd, MainThreadTurnReader, WorkerTurnBatcher } from '../src/ladder/turn-batching.js'
import { CONSTANT_BODY_BYTES } from '../src/ladder/rungs.js'

test('callers in one turn share the turn\'s end; the next turn gets a new one', async (t) => {
  const turnEnd = createTurnEnd()
  const first = turnEnd()
  t.is(turnEnd(), first)
  await first
  t.not(turnEnd(), first)
})

test('lines asked for in one turn go to the worker as one message and come back in order', async (t) => {
  const worker = new Worker(new URL('../src/ladder/echo-worker.js', import.meta.url))
  t.teardown(async () => { await worker.terminate() })
  let messages = 0
  const post = worker.postMessage.bind(worker)
  worker.postMessage = (value: unknown) => { messages++; post(value) }
  const batcher = new WorkerTurnBatcher(worker)
  const lines = await Promise.all([batcher.readLine(0), batcher.readLine(7), batcher.readLine(3)])
  t.is(messages, 1)
  for (const line of lines) t.deepEqual(line, Buffer.alloc(CONSTANT_BODY_BYTES, 'x'))
  t.is((await batcher.readLine(1)).length, CONSTANT_BODY_BYTES)
  t.is(messages, 2)
})

test('the main-thread reader reads one turn\'s lines as one batch and answers each with its own bytes', async (t) => {
  const batches: number[][] = []
  // Line i is i copies of the letter a + i; line 5 fails, as a failed read does: a negative
  // length and no bytes.
  const reader = {
    readBatch: (lineIndexes: ArrayLike<number>) => {
      const asked = Array.from(lineIndexes)
      batches.push(asked)
      const lines = asked.filter((i) => i !== 5).map((i) => Buffer.alloc(i, 97 + i))
      return { bytes: Buffer.concat(lines), lengths: Float64Array.from(asked.map((i) => i === 5 ? -1 : i)) }
    }
  }
  const turnReader = new MainThreadTurnReader(reader)
  const [three, failed, two] = await Promise.allSettled([turnReader.readLine(3), turnReader.readLine(5), turnReader.readLine(2)])
  t.deepEqual(batches, [[3, 5, 2]])
  t.deepEqual(three, { status: 'fulfilled', value: Buffer.from('ddd') })
  t.is(failed.status, 'rejected')
  // The failed line takes no bytes: the line after it starts where the one before it ended.
  t.deepEqual(two, { status: 'fulfilled', value: Buffer.from('cc') })
  t.deepEqual(await turnReader.readLine(1), Buffer.from('b'))
  t.deepEqual(batches, [[3, 5, 2], [1]])
})
