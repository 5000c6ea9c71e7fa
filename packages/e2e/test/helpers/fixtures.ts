// Temp directories for test fixtures, removed when the test (or the file's tests) end, and a
// guard that fails early with a clear message when the disk cannot hold a multi-GB fixture.
import { mkdtempSync, rmSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExecutionContext } from 'ava'

/** A fresh directory under the OS temp dir, removed in the test's teardown. */
export function fixtureDir (t: ExecutionContext, prefix = 'e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** A fresh directory for fixtures shared by a file's tests; the caller removes it in `test.after.always`. */
export function sharedFixtureDir (prefix = 'e2e-'): { readonly dir: string, readonly remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => { rmSync(dir, { recursive: true, force: true }) } }
}

/** Bytes available to unprivileged writers on the filesystem holding `dir` (what `df` shows as Avail). */
export function freeDiskBytes (dir: string): number {
  const stats = statfsSync(dir)
  return stats.bavail * stats.bsize
}

/** Throws a message saying how much is needed and free when `dir` has less than `neededBytes` free. */
export function requireFreeDisk (dir: string, neededBytes: number): void {
  const free = freeDiskBytes(dir)
  if (free < neededBytes) {
    throw new Error(`not enough free disk space in ${dir}: this test needs ${gib(neededBytes)} GiB, ${gib(free)} GiB are free`)
  }
}

function gib (bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1)
}
