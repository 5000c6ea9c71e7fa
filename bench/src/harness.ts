// One benchmark run from options to results: data → start-up measures → systems → every
// tool × pattern × connections × system back to back → ratios. Printing is left to main.ts.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { ensureDataFile } from './data-file.js'
import { measureIndex, readThrough, type IndexMeasures } from './index-measures.js'
import type { BenchOptions, Pattern, ToolName } from './options.js'
import { lineNumbers, repeatShare, topShare, writePathList } from './request-paths.js'
import type { BenchResults, RunRecord } from './results.js'
import { runOne, withRatios, type RunSpec } from './run-one.js'
import { startSystems, stopSystems } from './start-systems.js'
import type { RunningSystem } from './systems/running-system.js'
import { writeWrkScript } from './load/wrk.js'
import { ensureBinary } from './tools.js'
import { fdLimits } from './proc-stats.js'
import { fmtCacheHits } from './report/format.js'
import { middleBy } from './middle.js'

export type Log = (text: string) => void

async function indexMeasures (options: BenchOptions, dataPath: string, lines: number, notes: string[], log: Log): Promise<IndexMeasures | null> {
  if (!options.indexMeasures) return null
  log('measuring index build (warm, cold), disk read and restart time')
  try {
    const measured = await measureIndex(dataPath, lines, options.cold, 5, options.coldRounds)
    if (measured.cold === undefined && options.cold) notes.push(`cold index build not measured: ${measured.coldMethod}`)
    return measured
  } catch (err) {
    notes.push(`index measures failed: ${(err as Error).message.slice(0, 300)}`)
    return null
  }
}

function wrkSetup (options: BenchOptions, scratch: string, notes: string[]): RunSpec['wrk'] {
  if (!options.tools.includes('wrk')) return undefined
  const bin = ensureBinary('wrk', 'wrk', options.install, notes)
  return bin === undefined ? undefined : { bin, script: writeWrkScript(scratch), threads: Math.max(1, Math.min(2, availableParallelism())) }
}

interface PatternList {
  readonly name: Pattern
  readonly distinctLines: number
  readonly top1000Share: number
  readonly repeatShare: number
  /** The request list for one cell: its own draws, so no cell replays another's requests. */
  readonly fileFor: (cell: number) => string
}

// Every cell gets fresh draws (seed + cell): replaying one list in every cell let our cache
// answer the second cell of a pattern from the first's requests (uniform at 1,000 connections
// showed 80% hits). The hot pattern's ranks map to the same lines whatever the seed, so its
// hot lines stay hot from cell to cell, as they would in production.
function makePathLists (options: BenchOptions, lines: number, dir: string): PatternList[] {
  return options.patterns.map((name) => {
    const numbers = lineNumbers(name, lines, options.pathListLength, options.seed, options.zipfExponent)
    return {
      name,
      distinctLines: new Set(numbers).size,
      top1000Share: topShare(numbers, 1000),
      repeatShare: repeatShare(numbers),
      fileFor: (cell) => writePathList(dir, `${name}-${cell}`, cell === 0 ? numbers : lineNumbers(name, lines, options.pathListLength, options.seed + cell, options.zipfExponent))
    }
  })
}

/**
 * The order systems run in within cell `cell`: the list rotated by one more place each cell.
 * A fixed order put ours first in every cell, right after the previous cell's heaviest load;
 * rotated, each system starts as many cells as the others, so a position's cost is shared.
 */
export function cellOrder<T> (systems: readonly T[], cell: number): T[] {
  const shift = systems.length === 0 ? 0 : cell % systems.length
  return [...systems.slice(shift), ...systems.slice(0, shift)]
}

/**
 * What a cell keeps of one system's repetitions: the median run by req/s among those that did
 * not fail (or the first failure when all did), with every repetition's req/s attached when
 * there was more than one.
 */
export function medianRun (repetitions: readonly RunRecord[]): RunRecord {
  const succeeded = repetitions.filter((r) => r.failure === undefined)
  const chosen = middleBy(succeeded, (r) => r.requestsPerSec) ?? repetitions[0]!
  return repetitions.length < 2 ? chosen : { ...chosen, repeatRequestsPerSec: repetitions.map((r) => r.requestsPerSec) }
}

/**
 * Every tool × pattern × connections cell, each system back to back within a cell, the cell
 * `--repeat` times with fresh request draws and the order rotated each time.
 */
async function runCells (options: BenchOptions, tools: readonly ToolName[], patterns: readonly PatternList[], systems: readonly RunningSystem[], wrk: RunSpec['wrk'], log: Log): Promise<RunRecord[]> {
  const runs: RunRecord[] = []
  const total = tools.length * patterns.length * options.connections.length * systems.length * options.repeat
  let draw = 0
  let done = 0
  for (const tool of tools) {
    for (const pattern of patterns) {
      for (const connections of options.connections) {
        const repetitions = new Map<RunningSystem, RunRecord[]>(systems.map((system) => [system, []]))
        for (let repetition = 0; repetition < options.repeat; repetition++) {
          const order = cellOrder(systems, draw)
          const pathsFile = pattern.fileFor(draw++)
          for (const [position, system] of order.entries()) {
            const job = { url: system.url, connections, durationSeconds: options.durationSeconds, minWarmupSeconds: options.minWarmupSeconds, maxWarmupSeconds: options.maxWarmupSeconds, pathsFile }
            const run = { ...await runOne({ tool, pattern: pattern.name, system, job, wrk }), positionInCell: position + 1 }
            repetitions.get(system)!.push(run)
            log(`[${++done}/${total}] ${tool} ${pattern.name} ${connections} ${system.label}: ${run.failure ?? `${Math.round(run.requestsPerSec)} req/s, p99 ${run.latencyMs.p99.toFixed(1)} ms, ${run.errors.total} errors, generator ${run.generatorCores.toFixed(2)} cores${run.cacheHitRatio === null ? '' : `, cache ${fmtCacheHits(run)}`}`}`)
          }
        }
        // Stored and reported in the systems' own order, whatever order they ran in.
        for (const system of systems) runs.push(medianRun(repetitions.get(system)!))
      }
    }
  }
  return runs
}

function describeMachine (loadAverageAtStart: readonly number[]): BenchResults['machine'] {
  return { cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem(), node: process.version, kernel: release(), fdLimit: fdLimits().soft, loadAverageAtStart }
}

export async function runBench (options: BenchOptions, command: string, log: Log): Promise<BenchResults> {
  const startedAt = new Date()
  const loadAverageAtStart = loadavg()
  const notes: string[] = []
  if (loadAverageAtStart[0]! > availableParallelism() * 0.5) {
    notes.push(`the machine was busy before the run (load average ${loadAverageAtStart[0]!.toFixed(1)} on ${availableParallelism()} cores): other work competes with server and generator, so absolute numbers are low; compare ratios`)
  }
  log(`data file: ${(options.sizeBytes / 2 ** 20).toFixed(0)} MiB, seed ${options.seed}, in ${options.dataDir}`)
  const data = ensureDataFile(options.dataDir, options.sizeBytes, options.seed)
  log(`${data.reused ? 'reusing' : 'generated'} ${data.path}: ${data.lines} lines${data.reused ? '' : ` in ${data.generateSeconds.toFixed(1)} s`}`)
  const index = await indexMeasures(options, data.path, data.lines, notes, log)
  const scratch = mkdtempSync(join(tmpdir(), 'bench-'))
  let runs: RunRecord[] = []
  let systems: RunningSystem[] = []
  let patterns: PatternList[] = []
  try {
    patterns = makePathLists(options, data.lines, scratch)
    const wrk = wrkSetup(options, scratch, notes)
    const tools = options.tools.filter((t) => t === 'autocannon' || wrk !== undefined)
    readThrough(data.path)
    systems = await startSystems(options, data.path, scratch, notes, log)
    runs = await runCells(options, tools, patterns, systems, wrk, log)
  } finally {
    await stopSystems(systems)
    rmSync(scratch, { recursive: true, force: true })
  }
  const finishedAt = new Date()
  return {
    schema: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    command,
    options: { ...options },
    machine: describeMachine(loadAverageAtStart),
    data: { path: data.path, bytes: data.bytes, lines: data.lines, seed: data.seed, reused: data.reused, generateSeconds: data.generateSeconds },
    patterns: patterns.map(({ name, distinctLines, top1000Share, repeatShare }) => ({ name, distinctLines, top1000Share, repeatShare })),
    systems: systems.map(({ name, label, processes, startSeconds }) => ({ name, label, processes, startSeconds })),
    index,
    runs: withRatios(runs),
    notes
  }
}
