import test from 'ava'
import { ERROR_DESCRIPTIONS, ERROR_STATUS, LineServerError, isErrorCode, statusOf, type ErrorCode } from '../src/errors.js'

const codes = Object.keys(ERROR_STATUS) as ErrorCode[]

test('every error code is documented with a sentence', (t) => {
  for (const code of codes) {
    const description = ERROR_DESCRIPTIONS[code]
    t.is(typeof description, 'string', code)
    t.true(description.trim().length >= 10, `${code} has a real description`)
  }
  t.deepEqual(Object.keys(ERROR_DESCRIPTIONS).sort(), [...codes].sort(), 'no description for a code that does not exist')
})

test('every error code maps to an HTTP error status', (t) => {
  for (const code of codes) {
    t.regex(code, /^ERR_[A-Z_]+$/)
    t.true(Number.isInteger(statusOf(code)), code)
    t.true(statusOf(code) >= 400 && statusOf(code) <= 599, `${code} → ${statusOf(code)}`)
  }
})

test('the statuses the product promises come from the table', (t) => {
  t.is(statusOf('ERR_INVALID_LINE_NUMBER'), 400)
  t.is(statusOf('ERR_NOT_FOUND'), 404)
  t.is(statusOf('ERR_METHOD_NOT_ALLOWED'), 405)
  t.is(statusOf('ERR_LINE_OUT_OF_RANGE'), 413)
  t.is(statusOf('ERR_INTERNAL'), 500)
  t.is(statusOf('ERR_OVERLOADED'), 503)
  t.is(statusOf('ERR_NOT_READY'), 503)
  t.is(statusOf('ERR_FILE_CHANGED'), 503)
})

test('isErrorCode accepts exactly the codes of the table', (t) => {
  for (const code of codes) t.true(isErrorCode(code))
  for (const other of ['ERR_NOPE', 'toString', '__proto__', 'constructor', 'hasOwnProperty', '', 400, undefined, null, {}]) {
    t.false(isErrorCode(other), String(other))
  }
})

test('a LineServerError carries its code, status and the code description by default', (t) => {
  const err = new LineServerError('ERR_LINE_OUT_OF_RANGE')
  t.true(err instanceof Error)
  t.is(err.name, 'LineServerError')
  t.is(err.code, 'ERR_LINE_OUT_OF_RANGE')
  t.is(err.status, 413)
  t.is(err.message, ERROR_DESCRIPTIONS.ERR_LINE_OUT_OF_RANGE)
  t.is(err.retryAfterSeconds, undefined)
  t.false('cause' in err)
})

test('a LineServerError keeps a given message, cause and retry delay', (t) => {
  const cause = new Error('EIO')
  const err = new LineServerError('ERR_OVERLOADED', '9 lookups are queued', { cause, retryAfterSeconds: 2 })
  t.is(err.message, '9 lookups are queued')
  t.is(err.cause, cause)
  t.is(err.retryAfterSeconds, 2)
  t.is(err.status, 503)
})
