// The ways a rung waits for the end of the event-loop turn, as the engine does: one setImmediate
// shared by every request of the turn, one worker message per turn, or the turn's lines read
// on the main thread at its end.
import type { Worker } from 'node:worker_threads'
import type { LineReaderHandle } from './gateway-stack.js'

/** A promise settled at the end of the current turn, the same one for every caller in the turn. */
export function createTurnEnd (): () => Promise<void> {
  let current: Promise<void> | undefined
  return () => (current ??= new Promise<void>((resolve) => {
    setImmediate(() => { current = undefined; resolve() })
  }))
}

/** The answer to one batch: the lines back to back, and per line its length (negative: failed). */
export interface BatchReply {
  readonly bytes: Uint8Array
  readonly lengths: Float64Array
}

interface Waiting {
  readonly resolve: (line: Buffer) => void
  readonly reject: (err: Error) => void
}

/** Collects the line indexes asked for in one turn and hands them on as one batch at its end. */
abstract class TurnBatcher {
  private lineIndexes: number[] = []
  private waiting: Waiting[] = []
  private flushScheduled = false

  readLine (lineIndex: number): Promise<Buffer> {
    const line = new Promise<Buffer>((resolve, reject) => { this.waiting.push({ resolve, reject }) })
    this.lineIndexes.push(lineIndex)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(this.flush)
    }
    return line
  }

  /** Reads the batch and, now or later, answers `waiting` in order with settleBatch. */
  protected abstract send (lineIndexes: number[], waiting: Waiting[]): void

  private readonly flush = (): void => {
    this.flushScheduled = false
    const lineIndexes = this.lineIndexes
    const waiting = this.waiting
    this.lineIndexes = []
    this.waiting = []
    this.send(lineIndexes, waiting)
  }
}

/**
 * Sends each turn's line indexes to `worker` as one Float64Array and answers each request with
 * its slice of the reply. The worker answers batches in order.
 */
export class WorkerTurnBatcher extends TurnBatcher {
  private readonly sent: Waiting[][] = []

  constructor (private readonly worker: Worker) {
    super()
    worker.on('message', (reply: BatchReply) => { settleBatch(this.sent.shift() ?? [], reply) })
  }

  protected send (lineIndexes: number[], waiting: Waiting[]): void {
    this.sent.push(waiting)
    this.worker.postMessage(Float64Array.from(lineIndexes))
  }
}

/** Reads each turn's lines on the calling thread at the end of the turn: the worker hop taken out. */
export class MainThreadTurnReader extends TurnBatcher {
  constructor (private readonly reader: LineReaderHandle) {
    super()
  }

  protected send (lineIndexes: number[], waiting: Waiting[]): void {
    settleBatch(waiting, this.reader.readBatch(lineIndexes))
  }
}

/** Answers each waiting request with its slice of the batch, or fails it if its read failed. */
function settleBatch (waiting: readonly Waiting[], { bytes, lengths }: BatchReply): void {
  let offset = 0
  for (let i = 0; i < waiting.length; i++) {
    const length = lengths[i] ?? -1
    if (length < 0) {
      waiting[i]!.reject(new Error(`line index ${i} of the batch could not be read`))
      continue
    }
    // A view, not a copy: koa would send a bare Uint8Array as JSON.
    waiting[i]!.resolve(Buffer.from(bytes.buffer, bytes.byteOffset + offset, length))
    offset += length
  }
}
