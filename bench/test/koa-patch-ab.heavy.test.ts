// Smoke test of bench/scripts/koa-patch-ab.sh, the A/B behind patches/koa@3.3.0.patch: one
// short round on a small file must serve both arms and print their medians (no speed is
// checked: benchmarks are not tests). Also checks its resolve hook, which is what makes the
// unpatched arm unpatched. The script needs wrk; its test is skipped without it.
import test from 'ava'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '@line-server/testkit'
import { findBinary } from '../src/tools.js'
import { smallDataFile } from './helpers/script-data.js'

const run = promisify(execFile)
const SCRIPT = join(REPO_ROOT, 'bench', 'scripts', 'koa-patch-ab.sh')
const HOOK = join(REPO_ROOT, 'bench', 'scripts', 'unpatched-koa-hook.mjs')
const canRun = ['wrk', 'curl', 'patch'].every((tool) => findBinary(tool) !== undefined)
const abTest = canRun ? test : test.skip

function scratchDir (t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'koa-patch-ab-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

test('the hook resolves koa, and only koa, to the copy in UNPATCHED_KOA_DIR', async (t) => {
  const dir = scratchDir(t)
  mkdirSync(join(dir, 'dist'))
  writeFileSync(join(dir, 'dist', 'koa.mjs'), "export default 'the unpatched copy'\n")
  const probe = "console.log((await import('koa')).default, typeof (await import('node:path')).join)"
  const { stdout } = await run(process.execPath, [`--import=${HOOK}`, '--input-type=module', '-e', probe], { env: { ...process.env, UNPATCHED_KOA_DIR: dir } })
  t.is(stdout.trim(), 'the unpatched copy function')
})

test('the hook refuses to run without UNPATCHED_KOA_DIR', async (t) => {
  const env = { ...process.env }
  delete env.UNPATCHED_KOA_DIR
  const err = await t.throwsAsync(run(process.execPath, [`--import=${HOOK}`, '-e', '0'], { env }))
  t.regex((err as Error & { stderr: string }).stderr, /UNPATCHED_KOA_DIR is not set/)
})

abTest(`one short round serves both arms and prints their medians${canRun ? '' : ' (skipped: needs wrk, curl and patch)'}`, async (t) => {
  const data = smallDataFile(t, 'koa-patch-ab')
  const { stdout } = await run('bash', [SCRIPT, '--rounds', '1', '--seconds', '1', data], { cwd: REPO_ROOT, timeout: 120_000 })
  for (const arm of ['patched', 'unpatched']) {
    t.regex(stdout, new RegExp(`^round 1: ${arm} \\d+(\\.\\d+)? req/s [\\d.]+ main µs/req$`, 'm'))
    const median = new RegExp(`^${arm}: median ([\\d.]+) req/s, ([\\d.]+) main µs/req$`, 'm').exec(stdout)
    t.truthy(median, `${arm} median in:\n${stdout}`)
    t.true(Number(median?.[1]) > 0, `${arm} served requests`)
  }
})
