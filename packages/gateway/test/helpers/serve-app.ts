// Builds the app the way main.ts does, with a fake LineSource, and serves it on 127.0.0.1:0.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ExecutionContext } from 'ava'
import { createApp, type AppDependencies } from '../../src/app.js'
import { createLineCache, type LineCache } from '../../src/cache.js'
import { createMemoryLogger } from '../../src/logger.js'
import { createCounters, createMetrics, type ServingCounters } from '../../src/metrics.js'
import { createServingState, type LineSource, type ServingState } from '../../src/serving-state.js'

export interface ServedApp {
  readonly url: string
  readonly state: ServingState
  readonly counters: ServingCounters
  readonly cache: LineCache
  readonly logger: ReturnType<typeof createMemoryLogger>
}

export interface ServeOptions {
  readonly source?: LineSource | undefined
  readonly cacheBytes?: number
  readonly cacheMaxLineBytes?: number
  readonly app?: Partial<Pick<AppDependencies, 'authToken' | 'serveMetrics' | 'accessLog'>>
}

export async function serveApp (t: ExecutionContext, options: ServeOptions = {}): Promise<ServedApp> {
  const state = createServingState()
  state.source = options.source
  const counters = createCounters()
  const cache = createLineCache({ maxBytes: options.cacheBytes ?? 1024 * 1024, maxLineBytes: options.cacheMaxLineBytes ?? 64 * 1024 })
  const logger = createMemoryLogger()
  const metrics = createMetrics({
    counters,
    cache: () => ({ entries: cache.entries(), bytes: cache.bytes(), memoryBytes: cache.memoryBytes() }),
    engine: () => undefined,
    index: () => undefined,
    ready: () => state.source !== undefined
  })
  const app = createApp({ state, cache, counters, metrics, logger, accessLog: false, ...options.app })
  const server = createServer(app.callback())
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => { server.close(resolve) })
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, state, counters, cache, logger }
}

export interface FakeSource extends LineSource {
  /** Lookups that reached the source, i.e. were not answered from the cache. */
  readonly reads: number[]
}

/**
 * A source over `lines` (Buffers or strings). Like the engine, it answers with views into one
 * shared buffer, so a cache that kept the view instead of a copy would be caught.
 */
export function fakeSource (lines: ReadonlyArray<Buffer | string>, shard?: { first: number, last: number }): FakeSource {
  const buffers = lines.map((line) => Buffer.isBuffer(line) ? line : Buffer.from(line, 'utf8'))
  const whole = Buffer.concat(buffers)
  const offsets: number[] = []
  let at = 0
  for (const b of buffers) { offsets.push(at); at += b.length }
  const reads: number[] = []
  return {
    lineCount: buffers.length,
    firstLineIndex: shard?.first ?? 0,
    lastLineIndex: shard?.last ?? buffers.length - 1,
    reads,
    readLine: async (lineIndex) => {
      reads.push(lineIndex)
      return Buffer.from(whole.buffer, whole.byteOffset + offsets[lineIndex]!, buffers[lineIndex]!.length)
    }
  }
}

/** A source whose every lookup fails with `error`. */
export function failingSource (lineCount: number, error: Error): LineSource {
  return { lineCount, firstLineIndex: 0, lastLineIndex: lineCount - 1, readLine: async () => { throw error } }
}
