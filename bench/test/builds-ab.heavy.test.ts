// Smoke test of bench/scripts/builds-ab.sh: against HEAD, one block of one short run on a small
// file must clone and build HEAD, serve both builds, and print the paired summary (no speed is
// checked: benchmarks are not tests). Needs git, wrk and curl; skipped without them.
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
  const { stdout } = await run('bash', [SCRIPT, '--against', 'HEAD', '--blocks', '1', '--rounds', '1', '--seconds', '1', data], { cwd: REPO_ROOT, timeout: 600_000 })
  t.regex(stdout, /^block 1 run 1: this tree \d+ [\d.]+, HEAD \d+ [\d.]+ \(req\/s, main µs\/req\)$/m)
  t.regex(stdout, /^this tree against HEAD: req\/s [\d.]+× \(median of 1 paired runs\), ahead in [01] of 1 runs$/m)
  t.regex(stdout, /and in [01] of 1 blocks/)
})
