// Worker entry of the koa-worker-echo rung: answers every batch at once with the constant body
// for each line, in the reply shape of a real read, so the rung costs the hop and no reading.
import { parentPort } from 'node:worker_threads'
import { CONSTANT_BODY_BYTES } from './rungs.js'
import type { BatchReply } from './turn-batching.js'

parentPort?.on('message', (lineIndexes: Float64Array) => {
  const reply: BatchReply = {
    bytes: new Uint8Array(lineIndexes.length * CONSTANT_BODY_BYTES).fill(0x78),
    lengths: new Float64Array(lineIndexes.length).fill(CONSTANT_BODY_BYTES)
  }
  parentPort?.postMessage(reply)
})
