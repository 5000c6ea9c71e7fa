// A small data file for the smoke tests of the bench's shell scripts, in a scratch directory
// the test removes when it ends.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** 20,000 lines of 7-103 bytes; returns the file's path. */
export function smallDataFile (t: { teardown: (fn: () => void) => void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const data = join(dir, 'lines.txt')
  writeFileSync(data, Array.from({ length: 20_000 }, (_, i) => `line ${i + 1} ${'x'.repeat(i % 97)}`).join('\n') + '\n')
  return data
}
