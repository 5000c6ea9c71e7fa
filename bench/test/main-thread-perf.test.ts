// bench/scripts/perf-categories.mjs, which turns main-thread-perf.sh's perf samples into µs per
// request: how a sample is charged (kernel, GC, the innermost JavaScript function's package),
// the per-thread split, the medians, and the scripts' refusal of bad options.
import test from 'ava'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '@line-server/testkit'

const run = promisify(execFile)
const CATEGORIZER = join(REPO_ROOT, 'bench', 'scripts', 'perf-categories.mjs')
const SCRIPT = join(REPO_ROOT, 'bench', 'scripts', 'main-thread-perf.sh')

interface Frame { symbol: string, object: string }
interface Categorizer {
  KERNEL: string
  GC: string
  NODE_JS: string
  KOA: string
  PISCINA: string
  OURS: string
  BASELINE: string
  OTHER_JS: string
  NO_JS: string
  parseSamples: (text: string) => Array<{ tid: number, frames: Frame[] }>
  chargeOf: (frames: Frame[]) => { category: string, fn?: string }
  summarise: (dir: string, hz: number, arms: string[]) => Map<string, { rounds: number, medians: Record<string, number>, functions: Array<[string, number]> }>
  formatTable: (summary: ReturnType<Categorizer['summarise']>) => string
}
const load = async (): Promise<Categorizer> => await import(CATEGORIZER) as Categorizer

const KOA_SET = 'JS:*set /repo/node_modules/.pnpm/koa@3.3.0_patch_hash=ab/node_modules/koa/lib/response.js:550:7'
const ROUTE = 'JS:*linesRoute file:///repo/packages/gateway/dist/src/http/lines-route.js:20:37'

// `perf script -F tid,ip,sym,dso` as perf prints it: a thread id, then frames innermost first.
function sample (tid: number, ...frames: Array<[string, string]>): string {
  return `${tid} \n` + frames.map(([symbol, object], i) => `\t    ${(0x1000 + i).toString(16)} ${symbol} (${object})`).join('\n') + '\n\n'
}
const JIT = '/tmp/perf-100.map'
const NODE = '/usr/bin/node'

test('a sample is charged to the kernel, the GC, or the innermost JavaScript function on its stack', async (t) => {
  const c = await load()
  const samples = c.parseSamples(
    sample(100, ['tcp_sendmsg', '[kernel.kallsyms]'], ['JS:*writevGeneric node:internal/stream_base_commons:123:22', JIT]) +
    sample(100, ['v8::internal::ScavengerCollector::CollectGarbage', NODE], [ROUTE, JIT]) +
    sample(100, ['Builtins_KeyedLoadIC_Megamorphic', NODE], [KOA_SET, JIT], [ROUTE, JIT]) +
    sample(100, ['llhttp__internal_execute', NODE], ['uv_run', NODE]) +
    sample(101, ['JS:*runTask /repo/node_modules/.pnpm/piscina@5.3.2/node_modules/piscina/dist/index.js:374:12', JIT]) +
    sample(100, ['JS:* file:///repo/bench/dist/src/baselines/node-readsync-server.js:43:78', JIT]) +
    sample(100, ['JS:~helper file:///elsewhere/lib.js:1:1', JIT])
  )
  t.deepEqual(samples.map((s) => s.tid), [100, 100, 100, 100, 101, 100, 100])
  t.deepEqual(samples.map((s) => c.chargeOf(s.frames).category), [c.KERNEL, c.GC, c.KOA, c.NO_JS, c.PISCINA, c.BASELINE, c.OTHER_JS])
  // A builtin counts for the function that called it, named without V8's tier marker.
  t.is(c.chargeOf(samples[2]!.frames).fn, KOA_SET.slice('JS:*'.length))
  t.is(c.chargeOf(c.parseSamples(sample(1, [ROUTE, JIT]))[0]!.frames).category, c.OURS)
  t.is(c.chargeOf([]).category, c.NO_JS)
})

test('malformed blocks are skipped, not miscounted', async (t) => {
  const c = await load()
  const samples = c.parseSamples('not a thread id\n\tdeadbeef foo (bar)\n\n\n' + sample(7, ['x', NODE]) + 'garbage line without frames')
  t.deepEqual(samples.map((s) => s.tid), [7])
})

test('µs per request by thread and category, medians over rounds, and the table', async (t) => {
  const c = await load()
  const dir = mkdtempSync(join(tmpdir(), 'perf-categories-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  // hz 1000: a sample is 1,000 µs. Round 1: 10 requests, main thread 100: 2 kernel samples,
  // 1 in the route, and 1 sample of another thread. Round 2: 20 requests, 2 route samples.
  writeFileSync(join(dir, 'ours-1.requests'), '10 5000 100\n')
  writeFileSync(join(dir, 'ours-1.stacks'), sample(100, ['tcp_sendmsg', '[kernel.kallsyms]']).repeat(2) + sample(100, [ROUTE, JIT]) + sample(101, [ROUTE, JIT]))
  writeFileSync(join(dir, 'ours-2.requests'), '20 6000 200\n')
  writeFileSync(join(dir, 'ours-2.stacks'), sample(200, [ROUTE, JIT]).repeat(2))
  writeFileSync(join(dir, 'node-1.requests'), '10 9000 300\n')
  writeFileSync(join(dir, 'node-1.stacks'), sample(300, ['tcp_sendmsg', '[kernel.kallsyms]']))
  const summary = c.summarise(dir, 1000, ['ours', 'node'])
  const ours = summary.get('ours')!
  t.is(ours.rounds, 2)
  t.is(ours.medians['req/s'], 5500)
  t.is(ours.medians['main thread, all'], (300 + 100) / 2) // 3 samples / 10 requests, 2 / 20
  t.is(ours.medians[c.KERNEL], (200 + 0) / 2)
  t.is(ours.medians[c.OURS], (100 + 100) / 2)
  t.is(ours.medians['other threads (engine workers, GC helpers)'], (100 + 0) / 2)
  // Functions: the main thread's route samples over both rounds' 30 requests; thread 101's are not counted.
  t.deepEqual(ours.functions, [['linesRoute packages/gateway/dist/src/http/lines-route.js:20:37', 3 * 1000 / 30]])
  const table = c.formatTable(summary)
  t.regex(table, /^main thread, all\s+200\.0\s+100\.0\s+\+100\.0$/m)
  t.regex(table, /^kernel: syscalls, TCP, wake-ups\s+100\.0\s+100\.0\s+\+0\.0$/m)
  t.regex(table, /^\s+100\.00 {2}linesRoute packages\/gateway/m)
  t.throws(() => c.summarise(dir, 1000, ['missing']), { message: /no rounds of missing/ })
})

test('the categorizer and the script refuse bad arguments with exit code 2', async (t) => {
  for (const args of [[CATEGORIZER], [CATEGORIZER, '/tmp', 'zero', 'ours']]) {
    const err = await t.throwsAsync(run(process.execPath, args)) as Error & { code: number, stderr: string }
    t.is(err.code, 2)
    t.regex(err.stderr, /usage: perf-categories/)
  }
  for (const [args, message] of [[['--bogus', '1'], /unknown option --bogus/], [['--rounds'], /--rounds needs a value/], [['--pin'], /unknown option --pin/]] as const) {
    const err = await t.throwsAsync(run('bash', [SCRIPT, ...args], { cwd: REPO_ROOT })) as Error & { code: number, stderr: string }
    t.is(err.code, 2)
    t.regex(err.stderr, message)
  }
})
