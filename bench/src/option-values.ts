// Parsing of numeric command-line values shared by the bench's and the ladder's options.

/** `text` as an integer of at least `least`, or `fallback` when absent; a problem is noted otherwise. */
export function wholeNumber (text: string | undefined, name: string, fallback: number, least: number, problems: string[]): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < least) problems.push(`--${name} must be an integer of at least ${least}, got ${JSON.stringify(text)}`)
  return value
}
