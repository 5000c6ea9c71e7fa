// Turns single-line lookups into batches: everything asked for in one event-loop turn goes to
// a worker as one task, because a Piscina round trip costs ~30 µs and a read ~2 µs. Bounds the
// lookups in flight and sheds load beyond that with ERR_OVERLOADED instead of queueing forever.
import { EventEmitter } from 'node:events'
import type { Piscina } from 'piscina'
import { LineServerError, type SharedLineIndex } from '@line-server/shared'
import { createLookupPool } from './pool.js'
import { InFlightLookups } from './in-flight-lookups.js'
import { LOOKUP_FAILURE_CODES, type LookupBatchResult } from './line-reader.js'

export interface LineEngineOptions {
  readonly dataPath: string
  readonly index: SharedLineIndex
  /** Worker threads. */
  readonly threads: number
  /** How much lower the workers' CPU priority is than the caller's (a nice increment); default 0. */
  readonly workerNiceIncrement?: number
  /** Lookups queued or running before new ones are refused with 503; default 16384. */
  readonly maxPendingLookups?: number
  /** Most lines in one worker task; default 256. */
  readonly maxBatchLines?: number
  /**
   * Once this many lookups wait and a worker is idle, they go now instead of at the end of the
   * event-loop turn, so the worker reads while the main thread is still parsing; default 32.
   */
  readonly eagerBatchLines?: number
  /** Size and mtime of the data file when it was indexed. */
  readonly expectedData: { readonly sizeBytes: number, readonly mtimeNs: bigint }
  /** A batch not answered within this many ms fails with ERR_TIMEOUT and its worker is replaced; default 5000. */
  readonly lookupTimeoutMs?: number
  /** Called when a worker finds the data file is no longer the indexed one (once per failed lookup). */
  readonly onFileChanged?: () => void
  /** Called with errors the pool reports outside any lookup (they never fail a request). */
  readonly onPoolError?: (err: unknown) => void
}

/** Counters the gateway reads when Prometheus scrapes; plain numbers, no per-lookup metric calls. */
export interface EngineStats {
  batches: number
  batchedLines: number
  coalescedLookups: number
  rejectedLookups: number
  failedLookups: number
  poolErrors: number
}

interface PendingLookup {
  readonly lineIndex: number
  readonly resolve: (line: Buffer) => void
  readonly reject: (err: Error) => void
}

export class LineEngine {
  readonly stats: EngineStats = { batches: 0, batchedLines: 0, coalescedLookups: 0, rejectedLookups: 0, failedLookups: 0, poolErrors: 0 }
  private readonly pool: Piscina
  private readonly maxPendingLookups: number
  private readonly maxBatchLines: number
  private readonly eagerBatchLines: number
  private readonly threadCount: number
  private readonly lookupTimeoutMs: number
  private readonly onFileChanged: (() => void) | undefined
  private readonly inFlight = new InFlightLookups<Promise<Buffer>>()
  private queued: PendingLookup[] = []
  private flushScheduled = false
  private closed = false
  private pending = 0
  /**
   * Batches sent to the pool and not yet settled; close() waits for these. A count, not a Set of
   * their promises: a Set churned once per batch promotes what it held, as a Map does (see
   * in-flight-lookups.ts).
   */
  private runningBatches = 0
  private readonly onAllBatchesSettled: Array<() => void> = []

  constructor (options: LineEngineOptions) {
    this.maxPendingLookups = options.maxPendingLookups ?? 16384
    this.maxBatchLines = options.maxBatchLines ?? 256
    this.eagerBatchLines = options.eagerBatchLines ?? 32
    this.threadCount = options.threads
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? 5000
    this.onFileChanged = options.onFileChanged
    this.pool = createLookupPool({
      dataPath: options.dataPath,
      index: options.index,
      expectedData: options.expectedData,
      threads: options.threads,
      niceIncrement: options.workerNiceIncrement ?? 0,
      // Never the binding limit: every batch holds at least one of maxPendingLookups lookups.
      maxQueuedBatches: this.maxPendingLookups
    })
    // Piscina reports some worker faults (e.g. a late message from a worker it already
    // destroyed) as 'error' events on the pool; unheard, they would end the process.
    this.pool.on('error', (err: unknown) => {
      this.stats.poolErrors++
      options.onPoolError?.(err)
    })
  }

  /** Lookups queued or being read right now. */
  get pendingLookups (): number {
    return this.pending
  }

  get threads (): number {
    return this.pool.threads.length
  }

  /** Reads one 0-based line, already checked to be below the line count. */
  // Not async: on the hot path one promise per lookup is enough, and done() clears the
  // bookkeeping when the batch settles rather than in a finally a microtask later.
  readLine (lineIndex: number): Promise<Buffer> {
    const shared = this.inFlight.get(lineIndex)
    if (shared !== undefined) {
      this.stats.coalescedLookups++
      return shared
    }
    if (this.closed) return Promise.reject(new LineServerError('ERR_SHUTTING_DOWN', undefined, { retryAfterSeconds: 1 }))
    if (this.pending >= this.maxPendingLookups) {
      this.stats.rejectedLookups++
      return Promise.reject(new LineServerError('ERR_OVERLOADED', `${this.pending} lookups are already queued`, { retryAfterSeconds: 1 }))
    }
    const lookup = new Promise<Buffer>((resolve, reject) => { this.queued.push({ lineIndex, resolve, reject }) })
    this.pending++
    this.inFlight.add(lineIndex, lookup)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(this.flush)
    }
    // Sending everything at the end of the turn leaves the workers idle while the main thread
    // parses, then the main thread idle while they read (measured: main thread 0.83 cores busy,
    // 0.93 with this). Only while a worker is idle, so a busy turn still makes few large batches.
    if (this.queued.length >= this.eagerBatchLines) this.dispatchQueued()
    return lookup
  }

  private done (lookup: PendingLookup): void {
    this.pending--
    this.inFlight.delete(lookup.lineIndex)
  }

  /**
   * Lets every lookup already asked for finish, then stops the workers. Piscina's own close()
   * stops waiting once one worker is idle and destroys the others mid-batch, so the engine
   * waits for its batches itself first.
   */
  async close (): Promise<void> {
    this.closed = true
    // Lookups asked for in this turn wait for a setImmediate flush that would reach a closed pool.
    this.dispatchQueued()
    // Each batch settles within lookupTimeoutMs (then it is aborted), and the lookups still queued
    // go as batches settle, so this wait is bounded.
    if (this.runningBatches > 0) await new Promise<void>((resolve) => { this.onAllBatchesSettled.push(resolve) })
    await this.pool.close()
  }

  private readonly flush = (): void => {
    this.flushScheduled = false
    this.dispatchQueued()
  }

  /**
   * Sends queued lookups to idle workers only, a batch each; the rest wait here and go when a
   * batch settles. So a batch's timeout runs while a worker reads it, never while it waits in
   * Piscina's queue: under a burst of 10,000 connections on a loaded machine, batches queued
   * behind others timed out at 5 s with the workers healthy.
   */
  private dispatchQueued (): void {
    while (this.queued.length > 0 && this.runningBatches < this.threadCount) {
      this.dispatch(this.queued.splice(0, this.maxBatchLines))
    }
  }

  private dispatch (lookups: PendingLookup[]): void {
    const lineIndexes = new Float64Array(lookups.length)
    for (let i = 0; i < lookups.length; i++) lineIndexes[i] = lookups[i]!.lineIndex
    this.stats.batches++
    this.stats.batchedLines += lookups.length
    // Aborting a running task makes Piscina terminate that worker and start a fresh one, so a
    // hung read costs one batch, not a thread.
    // Piscina takes any EventEmitter that emits 'abort' as a signal. An AbortController with
    // its listener cost 4.3 µs per batch, an EventEmitter 0.13 (AbortSignal.timeout: 5.6).
    const abort = new EventEmitter()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      abort.emit('abort')
    }, this.lookupTimeoutMs)
    const running = this.pool.run(lineIndexes, { signal: abort }).then(
      (result: LookupBatchResult) => {
        clearTimeout(timer)
        this.settle(lookups, result)
      },
      (err: unknown) => {
        clearTimeout(timer)
        this.stats.failedLookups += lookups.length
        const code = timedOut ? 'ERR_TIMEOUT' : 'ERR_ENGINE_FAILED'
        const failure = new LineServerError(code, undefined, { cause: err, retryAfterSeconds: 1 })
        for (const lookup of lookups) {
          this.done(lookup)
          lookup.reject(failure)
        }
      }
    )
    this.runningBatches++
    void running.finally(() => {
      this.runningBatches--
      this.dispatchQueued()
      if (this.runningBatches === 0) for (const resolve of this.onAllBatchesSettled.splice(0)) resolve()
    })
  }

  private settle (lookups: PendingLookup[], { bytes, lengths, firstError }: LookupBatchResult): void {
    // The worker's own error text (errno and all) travels as the cause, for the server log only.
    const cause = firstError === undefined ? undefined : new Error(firstError)
    let offset = 0
    for (let i = 0; i < lookups.length; i++) {
      const lookup = lookups[i]!
      const length = lengths[i]!
      this.done(lookup)
      if (length >= 0) {
        // A view into the batch's buffer: no copy here; the cache copies what it keeps.
        lookup.resolve(Buffer.from(bytes.buffer, bytes.byteOffset + offset, length))
        offset += length
        continue
      }
      this.stats.failedLookups++
      const code = LOOKUP_FAILURE_CODES[-1 - length] ?? 'ERR_READ_FAILED'
      if (code === 'ERR_FILE_CHANGED') this.onFileChanged?.()
      lookup.reject(new LineServerError(code, undefined, { cause, retryAfterSeconds: code === 'ERR_FILE_CHANGED' ? 1 : undefined }))
    }
  }
}
