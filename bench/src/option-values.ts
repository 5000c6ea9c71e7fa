// Parsing of numeric command-line values shared by the bench's, the ladder's and the cache
// simulation's options.
import { parseBytes } from '@line-server/testkit'

/** `text` as an integer of at least `least`, or `fallback` when absent; a problem is noted otherwise. */
export function wholeNumber (text: string | undefined, name: string, fallback: number, least: number, problems: string[]): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < least) problems.push(`--${name} must be an integer of at least ${least}, got ${JSON.stringify(text)}`)
  return value
}

/** `text` as a finite number above zero, or undefined when absent; a problem is noted otherwise. */
export function positiveNumber (text: string | undefined, name: string, problems: string[]): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) problems.push(`--${name} must be a positive number, got ${JSON.stringify(text)}`)
  return value
}

/** `text` as a size in bytes (65536, 64K, 1G) of at least `least`; a problem is noted otherwise. */
export function byteSize (text: string, name: string, least: number, problems: string[]): number {
  const bytes = parseBytes(text)
  if (bytes === undefined || bytes < least) problems.push(`--${name} must be a size of at least ${least} bytes (e.g. 64M), got ${JSON.stringify(text)}`)
  return bytes ?? 0
}
