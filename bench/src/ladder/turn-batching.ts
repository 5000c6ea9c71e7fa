// The two ways a rung waits for the end of the event-loop turn, as the engine does: one
// setImmediate shared by every request of the turn, or one worker message per turn.
import type { Worker } from 'node:worker_threads'

/** A promise settled at the end of the current turn, the same one for every caller in the turn. */
export function createTurnEnd (): () => Promise<void> {
  let current: Promise<void> | undefined
  return () => (current ??= new Promise<void>((resolve) => {
    setImmediate(() => { current = undefined; resolve() })
  }))
}

/** A worker's answer to one batch: the lines back to back, and per line its length (negative: failed). */
export interface BatchReply {
  readonly bytes: Uint8Array
  readonly lengths: Float64Array
}

interface Waiting {
  readonly resolve: (line: Buffer) => void
  readonly reject: (err: Error) => void
}

/**
 * Sends the 0-based line indexes asked for in one turn to `worker` as one Float64Array and
 * answers each request with its slice of the reply. The worker answers batches in order.
 */
export class WorkerTurnBatcher {
  private lineIndexes: number[] = []
  private waiting: Waiting[] = []
  private readonly sent: Waiting[][] = []
  private flushScheduled = false

  constructor (private readonly worker: Worker) {
    worker.on('message', (reply: BatchReply) => { this.settle(reply) })
  }

  readLine (lineIndex: number): Promise<Buffer> {
    const line = new Promise<Buffer>((resolve, reject) => { this.waiting.push({ resolve, reject }) })
    this.lineIndexes.push(lineIndex)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(this.flush)
    }
    return line
  }

  private readonly flush = (): void => {
    this.flushScheduled = false
    this.sent.push(this.waiting)
    this.worker.postMessage(Float64Array.from(this.lineIndexes))
    this.lineIndexes = []
    this.waiting = []
  }

  private settle ({ bytes, lengths }: BatchReply): void {
    const waiting = this.sent.shift() ?? []
    let offset = 0
    for (let i = 0; i < waiting.length; i++) {
      const length = lengths[i] ?? -1
      if (length < 0) {
        waiting[i]!.reject(new Error(`the worker could not read line index ${i} of its batch`))
        continue
      }
      // A view, not a copy: koa would send a bare Uint8Array as JSON.
      waiting[i]!.resolve(Buffer.from(bytes.buffer, bytes.byteOffset + offset, length))
      offset += length
    }
  }
}
