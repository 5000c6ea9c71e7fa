// Pre-generated request paths per access pattern, written one per line to a file that every
// load generator reads, so each system gets the same request sequence.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRandom } from '@line-server/testkit'
import type { Pattern } from './options.js'

/**
 * Zipf-like rank in [1, n] by inverting the continuous power law (s != 1): close to a discrete
 * Zipf for the ranks that matter and O(1) per draw, where exact sampling would need a table of n.
 */
export function zipfRank (u: number, n: number, s: number): number {
  const a = 1 - s
  // At s = 1 the general form divides by zero; its limit is n ** u.
  const rank = Math.floor(a === 0 ? n ** u : ((n ** a - 1) * u + 1) ** (1 / a))
  return Math.min(n, Math.max(1, rank))
}

/**
 * Share of a pattern's requests, in the long run, that ask for its `top` most popular lines: the
 * most any cache holding `top` lines can answer. Exact for zipfRank's draws; uniform and
 * sequential requests spread evenly over all lines.
 */
export function popularLinesShare (pattern: Pattern, lines: number, top: number, zipfExponent: number): number {
  if (top <= 0 || lines <= 0) return 0
  if (top >= lines) return 1
  if (pattern !== 'hot') return top / lines
  // zipfRank(u) <= top exactly when u is below this bound (both forms invert zipfRank's).
  const a = 1 - zipfExponent
  const bound = a === 0 ? Math.log(top + 1) / Math.log(lines) : ((top + 1) ** a - 1) / (lines ** a - 1)
  return Math.min(1, bound)
}

/** An odd prime step not dividing n, so rank → line is a bijection that scatters hot lines. */
function scatterStep (n: number): number {
  for (const p of [1_000_003, 999_983, 1_000_033, 7_919]) if (n % p !== 0) return p
  return 1
}

export function lineNumbers (pattern: Pattern, lines: number, count: number, seed: number, zipfExponent: number): Uint32Array {
  const out = new Uint32Array(count)
  const random = createRandom(seed)
  const step = scatterStep(lines)
  const start = ((seed - 1) * count) % lines
  for (let i = 0; i < count; i++) {
    switch (pattern) {
      case 'uniform': out[i] = 1 + Math.floor(random() * lines); break
      case 'hot': out[i] = 1 + ((zipfRank(random(), lines, zipfExponent) - 1) * step) % lines; break
      // Each seed starts its walk elsewhere, so a later cell does not re-read an earlier one's lines.
      case 'sequential': out[i] = 1 + ((start + i) % lines); break
    }
  }
  return out
}

/** Writes `/lines/<n>` paths, one per line; returns the file's path. */
export function writePathList (dir: string, name: string, numbers: Uint32Array): string {
  const path = join(dir, `paths-${name}.txt`)
  const parts: string[] = new Array<string>(numbers.length)
  for (let i = 0; i < numbers.length; i++) parts[i] = `/lines/${numbers[i]!}`
  writeFileSync(path, parts.join('\n') + '\n')
  return path
}

/** Share of requests that go to the most requested `top` distinct lines (for the report). */
export function topShare (numbers: Uint32Array, top: number): number {
  const counts = new Map<number, number>()
  for (const n of numbers) counts.set(n, (counts.get(n) ?? 0) + 1)
  const sorted = [...counts.values()].sort((a, b) => b - a)
  let sum = 0
  for (let i = 0; i < Math.min(top, sorted.length); i++) sum += sorted[i]!
  return sum / Math.max(1, numbers.length)
}

/**
 * Share of requests that ask for a line already asked for earlier in the list: the most any
 * cache starting empty could answer, however big (the rest are first requests).
 */
export function repeatShare (numbers: Uint32Array): number {
  const seen = new Set<number>()
  let repeats = 0
  for (const n of numbers) {
    if (seen.has(n)) repeats++
    else seen.add(n)
  }
  return repeats / Math.max(1, numbers.length)
}
