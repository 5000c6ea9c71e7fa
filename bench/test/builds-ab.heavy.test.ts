// Smoke test of bench/scripts/builds-ab.sh: against HEAD, one block of one short run on a small
// file must clone and build HEAD, serve both builds with the options given to each, and print
// the paired summary (no speed is checked: benchmarks are not tests); a server option it refuses
// stops the script at once with the server's own message. Needs git, wrk and curl; skipped without them.
import test from 'ava'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '@line-server/testkit'
import { findBinary } from '../src/tools.js'
import { smallDataFile } from './helpers/script-data.js'

const run = promisify(execFile)
const SCRIPT = join(REPO_ROOT, 'bench', 'scripts', 'builds-ab.sh')
const canRun = ['git', 'wrk', 'curl'].every((tool) => findBinary(tool) !== undefined)
const abTest = canRun ? test : test.skip

abTest(`one block against HEAD serves both builds and prints the paired summary${canRun ? '' : ' (skipped: needs git, wrk and curl)'}`, async (t) => {
  const data = smallDataFile(t, 'builds-ab')
  const { stdout } = await run('bash', [SCRIPT, '--against', 'HEAD', '--against-options', '--worker-nice 0 --threads 1', '--blocks', '1', '--rounds', '1', '--seconds', '1', data], { cwd: REPO_ROOT, timeout: 600_000 })
  t.regex(stdout, /^block 1 run 1: this tree \d+ [\d.]+, HEAD \(--worker-nice 0 --threads 1\) \d+ [\d.]+ \(req\/s, main µs\/req\)$/m)
  t.regex(stdout, /^this tree against HEAD \(--worker-nice 0 --threads 1\): req\/s [\d.]+× \(median of 1 paired runs\), ahead in [01] of 1 runs$/m)
  t.regex(stdout, /and in [01] of 1 blocks/)
})

abTest(`a server option the server refuses stops the run with the server's message${canRun ? '' : ' (skipped: needs git, wrk and curl)'}`, async (t) => {
  const data = smallDataFile(t, 'builds-ab-bad-option')
  const err = await t.throwsAsync(run('bash', [SCRIPT, '--against', 'HEAD', '--options', '--worker-nice 20', '--blocks', '1', '--rounds', '1', '--seconds', '1', data], { cwd: REPO_ROOT, timeout: 600_000 })) as Error & { code: number, stderr: string }
  t.is(err.code, 1)
  t.regex(err.stderr, /the here server exited:/)
  // The server's own complaint, printed as soon as it exited rather than after the 120 s a
  // server that never answers is given.
  t.regex(err.stderr, /--worker-nice/)
})
