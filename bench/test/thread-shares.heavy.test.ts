// Smoke test of bench/scripts/thread-shares.sh: one short round on a small file must serve both
// servers (ours with the options given) and print each one's shares and the medians (no speed is
// checked: benchmarks are not tests). Needs wrk and curl; skipped without them.
import test from 'ava'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '@line-server/testkit'
import { findBinary } from '../src/tools.js'
import { smallDataFile } from './helpers/script-data.js'

const run = promisify(execFile)
const SCRIPT = join(REPO_ROOT, 'bench', 'scripts', 'thread-shares.sh')
const canRun = ['wrk', 'curl'].every((tool) => findBinary(tool) !== undefined) && process.platform === 'linux'
const sharesTest = canRun ? test : test.skip

sharesTest(`one short round prints both main threads' shares and the medians${canRun ? '' : ' (skipped: needs Linux, wrk and curl)'}`, async (t) => {
  const data = smallDataFile(t, 'thread-shares')
  const { stdout } = await run('bash', [SCRIPT, '--rounds', '1', '--seconds', '1', '--options', '--worker-nice 0 --threads 1', data], { cwd: REPO_ROOT, timeout: 180_000 })
  const line = (label: string, arm: string): RegExp =>
    new RegExp(`^${label} ${arm} +\\d+ req/s; main thread ran +([\\d.]+)%, waited for a core +([\\d.]+)%, slept +(-?[\\d.]+)%; +([\\d.]+) µs CPU per request; other threads +([\\d.]+) µs$`, 'm')
  for (const arm of ['ours', 'node']) {
    t.regex(stdout, line('round 1:', arm))
    const median = line('median of 1:', arm).exec(stdout)
    t.truthy(median, stdout)
    // The shares are of one wall-clock window: they add up to 100 (each rounded to 0.1).
    const shares = [1, 2, 3].map((i) => Number(median?.[i]))
    t.true(Math.abs(shares.reduce((a, b) => a + b, 0) - 100) < 0.2, stdout)
    t.true(Number(median?.[4]) > 0, 'the main thread ran')
  }
})
