// GET/HEAD /lines/:n: validate the number, answer from the cache or the engine, send bytes.
import type { Context } from 'koa'
import { LineServerError, parseLineNumber } from '@line-server/shared'
import type { LineCache } from '../cache.js'
import { createHotLines } from '../hot-lines.js'
import type { ServingCounters } from '../metrics.js'
import type { ServingState } from '../serving-state.js'
import { lineHeaders } from './common-headers.js'

// Answering a cache hit on the spot turned out slower than a lookup in a worker: 44 µs of main
// thread per request against 32, a third of it in the kernel. Engine answers go out together
// at the end of an event-loop turn, so the kernel reads and writes many sockets per wakeup;
// hits answered one by one ping-pong with the client. Hits wait for that same point.
let endOfTurn: Promise<void> | undefined
function nextTurnEnd (): Promise<void> {
  endOfTurn ??= new Promise((resolve) => {
    setImmediate(() => {
      endOfTurn = undefined
      resolve()
    })
  })
  return endOfTurn
}

export function createLinesRoute (state: ServingState, cache: LineCache, counters: ServingCounters) {
  const hotLines = createHotLines(cache)
  return async function linesRoute (ctx: Context): Promise<void> {
    const source = state.source
    if (source === undefined) throw new LineServerError(state.unavailable, undefined, { retryAfterSeconds: 1 })
    const lineIndex = parseLineNumber(String(ctx.params.n), source.lineCount)
    if (lineIndex < source.firstLineIndex || lineIndex > source.lastLineIndex) {
      throw new LineServerError('ERR_LINE_NOT_IN_SHARD', `line ${lineIndex + 1} is not in this shard, which serves lines ${source.firstLineIndex + 1}-${source.lastLineIndex + 1}`)
    }
    let line = hotLines.lookup(lineIndex)
    if (line === undefined) {
      counters.cacheMisses++
      line = await source.readLine(lineIndex)
      // If the file changed while this read was in flight, the line belongs to the old version:
      // it may answer this request (it was asked of that version) but must not outlive it.
      if (state.source === source) hotLines.offer(lineIndex, line)
    } else {
      counters.cacheHits++
      await nextTurnEnd()
    }
    counters.linesServed++
    counters.bytesServed += line.length
    // Written to node's response directly, with Koa's documented way out of its own response
    // handling: Koa's body, status and header setters and its respond() cost about 2.3 µs per
    // request (bench/scripts/koa-dispatch-loop.cjs --raw). Both builds side by side, 60 paired
    // 2 s runs: 6% more req/s, ahead in 44, 9% less main-thread CPU per request
    // (docs/performance.md, session 12). Nothing has set a header yet (app.ts adds its common
    // ones after the route, and only to answers Koa writes), so node takes its fast path for
    // writeHead's object; during a drain `Connection: close` is already set and node merges.
    ctx.respond = false
    ctx.res.writeHead(200, lineHeaders(line.length)).end(line)
  }
}
