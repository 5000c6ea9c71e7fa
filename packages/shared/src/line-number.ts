// Parsing of the line number in /lines/:n. Validation happens here and only here.
import { LineServerError } from './errors.js'

const DECIMAL = /^[0-9]+$/

/**
 * Parses a 1-based line number and returns it 0-based. Anything but ASCII digits is 400;
 * zero is 400; a number past the last line, however many digits it has, is 413.
 */
export function parseLineNumber (text: string, lineCount: number): number {
  if (!DECIMAL.test(text)) throw new LineServerError('ERR_INVALID_LINE_NUMBER', `line number must be a positive decimal integer, got ${describe(text)}`)
  const digits = text.replace(/^0+/, '')
  if (digits === '') throw new LineServerError('ERR_INVALID_LINE_NUMBER', 'line numbers start at 1, got 0')
  // Beyond 15 digits a double loses exactness; no file has that many lines anyway.
  if (digits.length > 15 || Number(digits) > lineCount) {
    throw new LineServerError('ERR_LINE_OUT_OF_RANGE', `line ${digits.length > 30 ? digits.slice(0, 30) + '…' : digits} is past the end of the file (${lineCount} lines)`)
  }
  return Number(digits) - 1
}

function describe (text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text
  return JSON.stringify(shown)
}
