// Builds the koa rungs' request listener from the layers a rung has: the router always, then
// waiting for the end of the turn, two outer middlewares, and where the body comes from.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createKoaApp, createKoaRouter, type KoaMiddleware } from './gateway-stack.js'
import { createTurnEnd } from './turn-batching.js'

export interface KoaLayers {
  /** Answer only at the end of the event-loop turn (one setImmediate shared by the turn); the worker rungs wait in their batcher instead. */
  readonly endOfTurn: boolean
  /** Two outer middlewares: timing (and a header), then try/catch; the gateway folds both into one. */
  readonly middleware: boolean
  /** The constant body, or the 1-based line `n` read by this function. */
  readonly body: Buffer | ((lineNumber: number) => Promise<Buffer>)
}

const CONTENT_TYPE = 'text/plain; charset=utf-8'

/** What the timing middleware measured; the rung server logs it when it stops. */
export const timedRequests = { count: 0, totalMs: 0 }

const timing: KoaMiddleware = async (ctx, next) => {
  const started = performance.now()
  ctx.set('X-Content-Type-Options', 'nosniff')
  try {
    await next()
  } finally {
    timedRequests.count++
    timedRequests.totalMs += performance.now() - started
  }
}

const catchErrors: KoaMiddleware = async (ctx, next) => {
  try {
    await next()
  } catch {
    ctx.status = 500
  }
}

// One handler for every koa rung, so rungs differ only by their layers.
function route ({ endOfTurn, body }: KoaLayers): KoaMiddleware {
  const turnEnd = endOfTurn ? createTurnEnd() : undefined
  return async (ctx) => {
    if (turnEnd !== undefined) await turnEnd()
    ctx.set('Content-Type', CONTENT_TYPE)
    ctx.body = typeof body === 'function' ? await body(Number(ctx.params.n)) : body
  }
}

export function createKoaListener (layers: KoaLayers): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createKoaApp()
  const router = createKoaRouter()
  router.get('/lines/:n', route(layers))
  if (layers.middleware) app.use(timing).use(catchErrors)
  app.use(router.routes())
  return app.callback()
}
