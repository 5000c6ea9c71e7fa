// Builds the Koa app: timing, metrics and the error mapper outermost, then the routes.
// Knows nothing about sockets or start-up; main.ts wires it to a server.
import Koa from 'koa'
import Router from '@koa/router'
import type { LineCache } from './cache.js'
import type { Logger } from './logger.js'
import type { ServerMetrics, ServingCounters } from './metrics.js'
import { isReady, type ServingState } from './serving-state.js'
import { createErrorMiddleware, createErrorResponder } from './http/error-middleware.js'
import { createLinesRoute } from './http/lines-route.js'
import { methodGuard } from './http/method-guard.js'
import { createBearerAuth } from './http/bearer-auth.js'
import { COMMON_HEADERS } from './http/common-headers.js'

export interface AppDependencies {
  readonly state: ServingState
  readonly cache: LineCache
  readonly counters: ServingCounters
  readonly metrics: ServerMetrics
  readonly logger: Logger
  /** Log one line per request (method, path, status, ms). */
  readonly accessLog: boolean
  /** Serve /metrics on this app (default true); false when it has its own listener (--metrics-listen). */
  readonly serveMetrics?: boolean
  /** When set, /lines requires `Authorization: Bearer <token>`. */
  readonly authToken?: string | undefined
  /** Produces the /metrics text; default: this app's registry (cluster workers ask the primary). */
  readonly renderMetrics?: () => Promise<string>
}

export function createApp (deps: AppDependencies): Koa {
  const { state, counters, metrics, logger } = deps
  const app = new Koa()
  // Errors are answered by the error middleware; koa's own logging of them would duplicate it.
  app.silent = true
  const router = new Router()
  const linesRoute = createLinesRoute(state, deps.cache, counters)
  // The token guards the data and, on this port, the metrics (they reveal the file's size and
  // traffic); health checks stay open for load balancers. --metrics-listen serves /metrics on
  // its own address instead, meant for a network only Prometheus reaches.
  const guard = deps.authToken === undefined ? [] : [createBearerAuth(deps.authToken)]
  router.get('/lines/:n', ...guard, linesRoute)
  router.get('/healthz', (ctx) => { ctx.body = { status: 'ok' } })
  router.get('/readyz', (ctx) => {
    const ready = isReady(state)
    ctx.status = ready ? 200 : 503
    ctx.body = { status: ready ? 'ready' : state.shuttingDown ? 'shutting-down' : state.unavailable === 'ERR_FILE_CHANGED' ? 'reindexing' : 'starting' }
  })
  if (deps.serveMetrics !== false) router.get('/metrics', ...guard, metricsRoute(metrics, deps.renderMetrics))

  // One outer middleware times the request, adds the headers every response carries and turns
  // errors into responses: each Koa layer costs on every request (two layers here measured
  // 1.3 µs against one).
  const respondWithError = createErrorResponder(logger)
  app.use(async function timingHeadersAndErrors (ctx, next) {
    const started = performance.now()
    counters.requestsInFlight++
    if (state.shuttingDown) ctx.set('Connection', 'close')
    try {
      await next()
    } catch (err) {
      respondWithError(ctx, err)
    } finally {
      // After the route: a route that wrote its answer itself (ctx.respond = false) sent these
      // with it, and a header set before would slow node's writeHead for it.
      if (ctx.respond !== false) ctx.set(COMMON_HEADERS)
      counters.requestsInFlight--
      const seconds = (performance.now() - started) / 1000
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched'
      metrics.observeRequest(route, ctx.status, seconds)
      if (deps.accessLog) logger.log('info', 'request', { method: ctx.method, path: ctx.path.slice(0, 200), status: ctx.status, ms: seconds * 1000 })
    }
  })
  app.use(router.routes())
  app.use(methodGuard)
  return app
}

/** The app behind --metrics-listen: /metrics and /healthz only, same error handling. */
export function createMetricsApp (metrics: ServerMetrics, logger: Logger, renderMetrics?: () => Promise<string>): Koa {
  const app = new Koa()
  app.silent = true
  const router = new Router()
  router.get('/metrics', metricsRoute(metrics, renderMetrics))
  router.get('/healthz', (ctx) => { ctx.body = { status: 'ok' } })
  app.use(async function commonHeaders (ctx, next) {
    ctx.set(COMMON_HEADERS)
    await next()
  })
  app.use(createErrorMiddleware(logger))
  app.use(router.routes())
  app.use(methodGuard)
  return app
}

function metricsRoute (metrics: ServerMetrics, render: (() => Promise<string>) | undefined) {
  return async function metricsHandler (ctx: Koa.Context): Promise<void> {
    const text = render === undefined ? await metrics.registry.metrics() : await render()
    ctx.set('Content-Type', metrics.registry.contentType)
    ctx.body = text
  }
}
