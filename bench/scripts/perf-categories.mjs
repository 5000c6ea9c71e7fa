#!/usr/bin/env node
// Turns the on-CPU samples main-thread-perf.sh recorded into CPU per request: per thread, and
// the main thread's by what ran. Unlike `--cpu-prof`, which samples wall time and charges a
// thread preempted mid-call to that call, perf counts only time a thread ran.
//   node bench/scripts/perf-categories.mjs <dir> <hz> <arm>...
// <dir> holds, per arm and round, <arm>-<round>.stacks (`perf script -F tid,ip,sym,dso` of a
// `perf record -g` run) and <arm>-<round>.requests ("<requests> <req/s> <main thread id>").
// A sample in the kernel counts as kernel and one in the garbage collector as GC; any other is
// charged to the innermost JavaScript function on its stack, so V8 builtins and runtime calls
// count for the code that called them. Prints medians over the rounds, arms side by side, then
// the first arm's costliest functions.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from '../dist/src/ladder/ladder-results.js'

export const KERNEL = 'kernel: syscalls, TCP, wake-ups'
export const GC = 'garbage collection'
export const NODE_JS = "node's HTTP, stream and event-loop JavaScript"
export const KOA = 'Koa, @koa/router, koa-compose, delegates'
export const PISCINA = 'Piscina'
export const OURS = 'ours: gateway, engine, shared, lru-cache'
export const BASELINE = "the baseline's request handler"
export const OTHER_JS = 'other JavaScript'
export const NO_JS = 'native code with no JavaScript on the stack (event loop, llhttp, microtask runs)'
export const CATEGORIES = [KERNEL, NODE_JS, KOA, PISCINA, OURS, BASELINE, OTHER_JS, GC, NO_JS]
const MAIN_THREAD = 'main thread, all'
const OTHER_THREADS = 'other threads (engine workers, GC helpers)'

const GC_SYMBOL = /Scaveng|MarkCompact|Sweep|Evacuat|MinorMark|ConcurrentMarking|IncrementalMarking|GCTracer|Heap::CollectGarbage/

/** The category of a JavaScript frame, from the script its function came from. */
export function javaScriptCategory (symbol) {
  if (/\.pnpm\/(koa@|koa-compose@|delegates@|@koa\+router@)/.test(symbol)) return KOA
  if (/\.pnpm\/piscina@/.test(symbol)) return PISCINA
  if (/\/packages\/(gateway|engine|shared)\/|\.pnpm\/lru-cache@/.test(symbol)) return OURS
  if (/\/bench\/dist\/src\/baselines\//.test(symbol)) return BASELINE
  if (/ node:/.test(symbol)) return NODE_JS
  return OTHER_JS
}

/**
 * Parses `perf script -F tid,ip,sym,dso` text: one block per sample, the thread id, then its
 * frames from the innermost out, "<address> <symbol> (<object>)".
 */
export function parseSamples (text) {
  const samples = []
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '')
    if (lines.length === 0) continue
    const tid = Number.parseInt(lines[0], 10)
    if (!Number.isInteger(tid)) continue
    const frames = []
    for (const line of lines.slice(1)) {
      const frame = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(line)
      if (frame !== null) frames.push({ symbol: frame[1], object: frame[2] })
    }
    samples.push({ tid, frames })
  }
  return samples
}

/** What a sample is charged to: its category, and the JavaScript function when there is one. */
export function chargeOf (frames) {
  const leaf = frames[0]
  if (leaf === undefined) return { category: NO_JS }
  if (leaf.object.includes('kernel.kallsyms')) return { category: KERNEL }
  if (GC_SYMBOL.test(leaf.symbol)) return { category: GC }
  // perf-basic-prof names: "JS:*name url:line:col" (optimised), "JS:~…" / "JS:^…" (not yet).
  const js = frames.find((frame) => frame.symbol.startsWith('JS:'))
  if (js === undefined) return { category: NO_JS }
  return { category: javaScriptCategory(js.symbol), fn: js.symbol.replace(/^JS:[*~^]?/, '') }
}

/** Shortens a function's script URL to the package (or node module) and file. */
export function shortName (fn) {
  const named = fn.startsWith(' ') ? `(anonymous)${fn}` : fn
  return named
    .replace(/ (file:\/\/)?\S*?\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, ' ')
    .replace(/ (file:\/\/)?\S*?\/packages\//, ' packages/')
    .replace(/ (file:\/\/)?\S*?\/bench\/dist\//, ' bench/dist/')
}

/** Per arm: medians over its rounds of req/s and µs per request, and µs per request by function. */
export function summarise (dir, hz, arms) {
  const files = readdirSync(dir)
  const microsPerSample = 1e6 / hz
  const result = new Map()
  for (const arm of arms) {
    const rounds = files.filter((name) => name.startsWith(`${arm}-`) && name.endsWith('.requests')).map((name) => name.slice(arm.length + 1, -'.requests'.length))
    if (rounds.length === 0) throw new Error(`no rounds of ${arm} in ${dir}`)
    const byFunction = new Map()
    let allRequests = 0
    const perRound = rounds.map((round) => {
      const [requests, rps, mainTid] = readFileSync(join(dir, `${arm}-${round}.requests`), 'utf8').trim().split(/\s+/).map(Number)
      allRequests += requests
      const figures = { 'req/s': rps, [MAIN_THREAD]: 0, [OTHER_THREADS]: 0 }
      for (const category of CATEGORIES) figures[category] = 0
      for (const { tid, frames } of parseSamples(readFileSync(join(dir, `${arm}-${round}.stacks`), 'utf8'))) {
        if (tid !== mainTid) {
          figures[OTHER_THREADS]++
          continue
        }
        figures[MAIN_THREAD]++
        const { category, fn } = chargeOf(frames)
        figures[category]++
        if (fn !== undefined) byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1)
      }
      for (const key of Object.keys(figures)) if (key !== 'req/s') figures[key] *= microsPerSample / requests
      return figures
    })
    const medians = {}
    for (const key of Object.keys(perRound[0])) medians[key] = median(perRound.map((figures) => figures[key]))
    const functions = [...byFunction].map(([fn, samples]) => [shortName(fn), samples * microsPerSample / allRequests]).sort((a, b) => b[1] - a[1])
    result.set(arm, { rounds: rounds.length, medians, functions })
  }
  return result
}

export function formatTable (summary, topFunctions = 25) {
  const arms = [...summary.keys()]
  const rows = ['req/s', MAIN_THREAD, OTHER_THREADS, ...CATEGORIES]
  const labelWidth = Math.max(...rows.map((row) => row.length))
  const rounds = arms.map((arm) => summary.get(arm).rounds).join('/')
  const lines = [`µs of CPU per request, medians of ${rounds} rounds`.padEnd(labelWidth) + '  ' + arms.map((arm) => arm.padStart(9)).join('  ') + (arms.length === 2 ? '  difference' : '')]
  for (const row of rows) {
    if (row === CATEGORIES[0]) lines.push('main thread, by what ran:')
    const values = arms.map((arm) => summary.get(arm).medians[row])
    const digits = row === 'req/s' ? 0 : 1
    const difference = values[0] - values[1]
    lines.push(row.padEnd(labelWidth) + '  ' + values.map((value) => value.toFixed(digits).padStart(9)).join('  ') +
      (arms.length === 2 ? '  ' + (difference >= 0 ? '+' : '') + difference.toFixed(digits) : ''))
  }
  lines.push('', `${arms[0]}'s main thread, the costliest JavaScript functions (µs per request, all rounds; builtins and runtime calls included):`)
  for (const [fn, micros] of summary.get(arms[0]).functions.slice(0, topFunctions)) lines.push(`${micros.toFixed(2).padStart(7)}  ${fn}`)
  return lines.join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, hzText, ...arms] = process.argv.slice(2)
  if (dir === undefined || !(Number(hzText) > 0) || arms.length === 0) {
    console.error('usage: perf-categories.mjs <dir> <hz> <arm>...')
    process.exit(2)
  }
  console.log(formatTable(summarise(dir, Number(hzText), arms)))
}
