// Smoke test of bench/scripts/main-thread-perf.sh: one short round on a small file must record
// both servers and print their per-request figures (no speed is checked: benchmarks are not
// tests). The script needs wrk, curl and perf with access to the kernel's samples; its test is
// skipped without them.
import test from 'ava'
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '@line-server/testkit'
import { findBinary } from '../src/tools.js'
import { smallDataFile } from './helpers/script-data.js'

const run = promisify(execFile)
const SCRIPT = join(REPO_ROOT, 'bench', 'scripts', 'main-thread-perf.sh')
const canRun = ['wrk', 'curl', 'perf'].every((tool) => findBinary(tool) !== undefined) && process.getuid?.() === 0
const perfTest = canRun ? test : test.skip

perfTest(`one short round records both servers and prints µs per request${canRun ? '' : ' (skipped: needs wrk, curl, perf and root)'}`, async (t) => {
  const data = smallDataFile(t, 'main-thread-perf')
  const mapsBefore = new Set(readdirSync('/tmp').filter((name) => name.startsWith('perf-') && name.endsWith('.map')))
  const { stdout } = await run('bash', [SCRIPT, '--rounds', '1', '--seconds', '2', data], { cwd: REPO_ROOT, timeout: 180_000 })
  for (const arm of ['ours', 'node']) t.regex(stdout, new RegExp(`^round 1: ${arm} \\d+ req/s$`, 'm'))
  const mainThread = /^main thread, all\s+([\d.]+)\s+([\d.]+)\s+[+-][\d.]+$/m.exec(stdout)
  t.truthy(mainThread, stdout)
  t.true(Number(mainThread?.[1]) > 0 && Number(mainThread?.[2]) > 0, 'both main threads were sampled')
  t.regex(stdout, /^Koa, @koa\/router, koa-compose, delegates\s+[\d.]+\s+0\.0\s/m)
  t.regex(stdout, /ours's main thread, the costliest JavaScript functions/)
  // It cleans up after itself: no perf maps left behind, no V8 logs in the repository.
  t.deepEqual(readdirSync('/tmp').filter((name) => name.startsWith('perf-') && name.endsWith('.map') && !mapsBefore.has(name)), [])
  t.deepEqual(readdirSync(REPO_ROOT).filter((name) => name.startsWith('isolate-')), [])
})
