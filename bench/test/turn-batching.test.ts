// The end-of-turn helpers of the ladder's rungs: one promise per event-loop turn, and one worker
// message per turn answered line by line, as the echo worker does.
import test from 'ava'
import { Worker } from 'node:worker_threads'
import { createTurnEnd, WorkerTurnBatcher } from '../src/ladder/turn-batching.js'
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
