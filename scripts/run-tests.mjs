#!/usr/bin/env node
// Runs each package's ava suite with --tap, echoes the output, and counts results across all of
// them, ending with "N passed, M failed" (CI reads that line; ava's own summary is not read).
// --fast leaves out the heavy suites (files named *.heavy.test.js).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

const root = fileURLToPath(new URL('..', import.meta.url))
const fast = process.argv.includes('--fast')
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const suites = ['packages/shared', 'packages/testkit', 'packages/indexer', 'packages/engine', 'packages/gateway', 'packages/e2e', 'bench', 'ops']
  .filter((dir) => existsSync(`${root}${dir}/package.json`))
  .filter((dir) => only.length === 0 || only.some((name) => dir.endsWith(name)))

let passed = 0
let failed = 0
let skipped = 0
const failures = []
// Lint counts as one result in full runs (CI); `pnpm lint` runs it alone.
if (!fast && only.length === 0) {
  process.stdout.write('\n# lint (eslint .)\n')
  const lint = spawn(process.execPath, [`${root}node_modules/eslint/bin/eslint.js`, '.'], { cwd: root, stdio: 'inherit' })
  const code = await new Promise((resolve) => lint.once('close', resolve))
  if (code === 0) {
    passed++
    process.stdout.write('ok - lint\n')
  } else {
    failed++
    failures.push(`lint: eslint exited with ${code}`)
    process.stdout.write('not ok - lint\n')
  }
}
for (const dir of suites) {
  const globs = ['dist/test/**/*.test.js']
  if (fast) globs.push('!dist/test/**/*.heavy.test.js')
  if (!(await hasTests(dir))) continue
  process.stdout.write(`\n# suite ${dir}${fast ? ' (fast)' : ''}\n`)
  const avaBin = `${root}node_modules/ava/entrypoints/cli.mjs`
  const child = spawn(process.execPath, [avaBin, '--tap', ...globs], { cwd: `${root}${dir}`, stdio: ['ignore', 'pipe', 'inherit'] })
  let sawResult = false
  for await (const line of createInterface({ input: child.stdout })) {
    process.stdout.write(line + '\n')
    if (/^ok \d+ .*# SKIP/.test(line)) { skipped++; sawResult = true } else if (/^ok \d+/.test(line)) { passed++; sawResult = true } else if (/^not ok \d+/.test(line)) {
      failed++
      sawResult = true
      failures.push(`${dir}: ${line}`)
    }
  }
  const code = await new Promise((resolve) => child.once('close', resolve))
  // A crashed or timed-out run can exit non-zero without a "not ok" line: count it as a failure.
  if (code !== 0 && !failures.some((f) => f.startsWith(`${dir}:`))) {
    failed++
    failures.push(`${dir}: ava exited with ${code}${sawResult ? '' : ' before reporting any test'}`)
  }
}
if (failures.length > 0) process.stdout.write(`\nFailures:\n${failures.map((f) => `  ${f}`).join('\n')}\n`)
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`)
process.exitCode = failed > 0 || passed === 0 ? 1 : 0

async function hasTests (dir) {
  return existsSync(`${root}${dir}/dist/test`)
}
