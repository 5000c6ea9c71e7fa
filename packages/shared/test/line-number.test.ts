import test from 'ava'
import { LineServerError } from '../src/errors.js'
import { parseLineNumber } from '../src/line-number.js'

function codeOf (text: string, lineCount: number): string | number {
  try {
    return parseLineNumber(text, lineCount)
  } catch (err) {
    if (err instanceof LineServerError) return err.code
    throw err
  }
}

test('returns the 0-based index of a 1-based line number', (t) => {
  t.is(parseLineNumber('1', 10), 0)
  t.is(parseLineNumber('7', 10), 6)
  t.is(parseLineNumber('10', 10), 9)
})

test('accepts the last line and answers 413 for the line after the last', (t) => {
  t.is(parseLineNumber('1000', 1000), 999)
  t.is(codeOf('1001', 1000), 'ERR_LINE_OUT_OF_RANGE')
  t.is(codeOf('1', 0), 'ERR_LINE_OUT_OF_RANGE')
})

for (const text of ['0', '-1', 'abc', '1.5', '1e3', '0x10', ' ', '%20', '', '+1', ' 1', '1 ', '1,000', '١', '１', '1\n', '00', '000000', '∞', 'NaN', 'Infinity']) {
  test(`answers 400 for ${JSON.stringify(text)}`, (t) => {
    const err = t.throws(() => parseLineNumber(text, 1000), { instanceOf: LineServerError })
    t.is(err?.code, 'ERR_INVALID_LINE_NUMBER')
    t.is(err?.status, 400)
  })
}

test('ignores leading zeros', (t) => {
  t.is(parseLineNumber('007', 10), 6)
  t.is(parseLineNumber('0010', 10), 9)
  t.is(parseLineNumber('0'.repeat(40) + '1', 10), 0)
  t.is(codeOf('0'.repeat(40) + '11', 10), 'ERR_LINE_OUT_OF_RANGE')
})

test('answers 413, not 400, for a 30-digit line number', (t) => {
  const err = t.throws(() => parseLineNumber('1'.repeat(30), Number.MAX_SAFE_INTEGER), { instanceOf: LineServerError })
  t.is(err?.code, 'ERR_LINE_OUT_OF_RANGE')
  t.is(err?.status, 413)
  t.is(codeOf('9'.repeat(30), 1000), 'ERR_LINE_OUT_OF_RANGE')
  t.is(codeOf('1' + '0'.repeat(29), 1000), 'ERR_LINE_OUT_OF_RANGE')
})

test('answers 413 for numbers beyond exact doubles, whatever the line count', (t) => {
  t.is(codeOf('9007199254740993', Number.MAX_SAFE_INTEGER), 'ERR_LINE_OUT_OF_RANGE')
  t.is(parseLineNumber('999999999999999', Number.MAX_SAFE_INTEGER), 999999999999998)
})

test('keeps error messages short for huge inputs', (t) => {
  const tooLong = t.throws(() => parseLineNumber('9'.repeat(10_000), 10))
  t.true((tooLong?.message.length ?? Infinity) < 200)
  const invalid = t.throws(() => parseLineNumber('x'.repeat(10_000), 10))
  t.true((invalid?.message.length ?? Infinity) < 200)
})
