// Installs the Debian packages a heavy test needs through ops/scripts/ensure-packages.sh, so a
// fresh CI machine gets them from the repository's own files. No-op when the binaries exist.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { ENSURE_PACKAGES_SCRIPT } from './repo-paths.js'

const run = promisify(execFile)

/** Debian packages the ops tests run: prometheus (with promtool), haproxy, wrk. */
export type OpsPackage = 'prometheus' | 'haproxy' | 'wrk'

export async function ensurePackages (...packages: OpsPackage[]): Promise<void> {
  // apt can take minutes on a fresh machine; the script serialises concurrent callers itself.
  await run('bash', [ENSURE_PACKAGES_SCRIPT, ...packages], { timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 })
}
