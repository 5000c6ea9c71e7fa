// The one table of failure codes and their HTTP statuses. Nothing else in the project
// decides a status code: throw a LineServerError with a code and let the gateway map it.

/** Every failure the server can report, with the HTTP status it maps to. */
export const ERROR_STATUS = {
  ERR_INVALID_LINE_NUMBER: 400,
  ERR_BAD_REQUEST: 400,
  ERR_UNAUTHORIZED: 401,
  ERR_NOT_FOUND: 404,
  ERR_LINE_NOT_IN_SHARD: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_LINE_OUT_OF_RANGE: 413,
  ERR_URI_TOO_LONG: 414,
  ERR_INTERNAL: 500,
  ERR_READ_FAILED: 500,
  ERR_OVERLOADED: 503,
  ERR_NOT_READY: 503,
  ERR_SHUTTING_DOWN: 503,
  ERR_ENGINE_FAILED: 503,
  ERR_FILE_CHANGED: 503,
  ERR_TIMEOUT: 503
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** One sentence per code for people reading docs and `--help`; the test checks each is documented. */
export const ERROR_DESCRIPTIONS: Readonly<Record<ErrorCode, string>> = {
  ERR_INVALID_LINE_NUMBER: 'the line number is not a positive decimal integer',
  ERR_BAD_REQUEST: 'the request is malformed',
  ERR_UNAUTHORIZED: 'a bearer token is required and was missing or wrong',
  ERR_NOT_FOUND: 'no such path',
  ERR_LINE_NOT_IN_SHARD: 'this server is one shard and serves another line range; ask the load balancer',
  ERR_METHOD_NOT_ALLOWED: 'the path exists but not for this method; see the Allow header',
  ERR_LINE_OUT_OF_RANGE: 'the line number is past the last line of the file',
  ERR_URI_TOO_LONG: 'the request target is longer than the server accepts',
  ERR_INTERNAL: 'an unexpected server fault; details are in the server log',
  ERR_READ_FAILED: 'reading the data file failed; details are in the server log',
  ERR_OVERLOADED: 'too many lookups are queued; retry after the Retry-After delay',
  ERR_NOT_READY: 'the index is still being built or loaded; retry shortly',
  ERR_SHUTTING_DOWN: 'the server is draining before exit',
  ERR_ENGINE_FAILED: 'a lookup worker failed; retry',
  ERR_FILE_CHANGED: 'the data file changed on disk and is being re-indexed; retry shortly',
  ERR_TIMEOUT: 'the lookup did not finish in time; retry'
}

export function isErrorCode (value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value)
}

export function statusOf (code: ErrorCode): number {
  return ERROR_STATUS[code]
}

/**
 * The project's one error class. Code is the identity: `instanceof` does not survive a
 * worker hop, so callers compare `err.code` instead.
 */
export class LineServerError extends Error {
  readonly code: ErrorCode
  /** Seconds for a `Retry-After` header, for the 503 codes. */
  readonly retryAfterSeconds: number | undefined

  constructor (code: ErrorCode, message?: string, options?: { cause?: unknown, retryAfterSeconds?: number }) {
    super(message ?? ERROR_DESCRIPTIONS[code], options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LineServerError'
    this.code = code
    this.retryAfterSeconds = options?.retryAfterSeconds
  }

  get status (): number {
    return ERROR_STATUS[this.code]
  }
}
