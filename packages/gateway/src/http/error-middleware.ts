// The one place that turns errors into HTTP responses: `{ code, message }` JSON with the
// status from the shared error table. 5xx details go to the log, never to the client.
import type { Context, Next } from 'koa'
import { ERROR_DESCRIPTIONS, isErrorCode, statusOf, type ErrorCode } from '@line-server/shared'
import type { Logger } from '../logger.js'

// 5xx codes that mean something went wrong here; the other 503s (overload, not ready, file
// changed, draining) are expected states, counted in metrics and logged where they start.
const FAULT_CODES: ReadonlySet<ErrorCode> = new Set(['ERR_INTERNAL', 'ERR_READ_FAILED', 'ERR_ENGINE_FAILED', 'ERR_TIMEOUT'])

/** Answers a request that failed with `err`; the one place errors become HTTP responses. */
export type ErrorResponder = (ctx: Context, err: unknown) => void

export function createErrorResponder (logger: Logger): ErrorResponder {
  return function respondWithError (ctx, err) {
    const { code, status, message, retryAfterSeconds } = describeError(err)
    if (FAULT_CODES.has(code)) {
      logger.log('error', 'request failed', { code, method: ctx.method, path: ctx.path.slice(0, 200), error: detail(err) })
    }
    ctx.status = status
    if (retryAfterSeconds !== undefined) ctx.set('Retry-After', String(retryAfterSeconds))
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { code, message }
  }
}

/** The responder as a middleware, for apps with no outer middleware of their own to catch in. */
export function createErrorMiddleware (logger: Logger) {
  const respondWithError = createErrorResponder(logger)
  return async function errorMiddleware (ctx: Context, next: Next): Promise<void> {
    try {
      await next()
    } catch (err) {
      respondWithError(ctx, err)
    }
  }
}

interface DescribedError { code: ErrorCode, status: number, message: string, retryAfterSeconds: number | undefined }

export function describeError (err: unknown): DescribedError {
  const e = err as { code?: unknown, status?: unknown, expose?: unknown, message?: unknown, retryAfterSeconds?: unknown }
  if (err instanceof Error && isErrorCode(e.code)) {
    const status = statusOf(e.code)
    return {
      code: e.code,
      status,
      // Messages of 5xx errors may carry internals (paths, errno); the client gets the generic text.
      message: status < 500 ? String(e.message) : ERROR_DESCRIPTIONS[e.code],
      retryAfterSeconds: typeof e.retryAfterSeconds === 'number' ? e.retryAfterSeconds : undefined
    }
  }
  // Errors from koa itself (http-errors) that are meant for the client, e.g. a malformed body.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    return { code: 'ERR_BAD_REQUEST', status: 400, message: String(e.message), retryAfterSeconds: undefined }
  }
  return { code: 'ERR_INTERNAL', status: 500, message: ERROR_DESCRIPTIONS.ERR_INTERNAL, retryAfterSeconds: undefined }
}

function detail (err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = err.cause instanceof Error ? `; cause: ${err.cause.message}` : ''
  return `${err.message}${cause}`
}
