// One ladder run from options to results: data file (read into page cache) → wrk → each round,
// every rung in ladder order in its own process → medians and ratios. Printing is main.ts's job.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureDataFile } from '../data-file.js'
import { readThrough } from '../index-measures.js'
import { ensureBinary } from '../tools.js'
import { fmtInt } from '../report/format.js'
import { LADDER_SCHEMA, summarizeRungs, type LadderResults, type RungRound } from './ladder-results.js'
import type { LadderOptions } from './ladder-options.js'
import { measureRung, type MeasureSetup } from './measure-rung.js'
import { writeRandomLinesScript } from './random-lines-lua.js'

export type Log = (text: string) => void

/** Long enough for a rung that builds the index first (the first one to need it on a new file). */
const READY_TIMEOUT_MS = 600_000

function describeRound (r: RungRound, rounds: number): string {
  const head = `[round ${r.round}/${rounds}] ${r.rung}: `
  if (r.failure !== undefined) return `${head}failed: ${r.failure}`
  return `${head}${fmtInt(r.requestsPerSec)} req/s, main thread ${r.mainThreadUsPerRequest.toFixed(1)} µs/req (${r.mainThreadCores.toFixed(2)} cores), process ${r.processCores.toFixed(2)} cores, ${r.errors} errors`
}

export async function runLadder (options: LadderOptions, command: string, log: Log): Promise<LadderResults> {
  const startedAt = new Date()
  const loadAverageAtStart = loadavg()
  const notes: string[] = []
  if (loadAverageAtStart[0]! > availableParallelism() * 0.5) {
    notes.push(`the machine was busy before the run (load average ${loadAverageAtStart[0]!.toFixed(1)} on ${availableParallelism()} cores): compare rungs within this run, not with other runs`)
  }
  const data = ensureDataFile(options.dataDir, options.sizeBytes, options.seed)
  log(`${data.reused ? 'reusing' : 'generated'} ${data.path}: ${fmtInt(data.lines)} lines`)
  readThrough(data.path)
  const wrkBin = ensureBinary('wrk', 'wrk', options.install, notes)
  if (wrkBin === undefined) throw new Error(`the ladder needs wrk: ${notes.join('; ')}`)
  const scratch = mkdtempSync(join(tmpdir(), 'ladder-'))
  if (options.pin && availableParallelism() < 2) throw new Error('--pin needs at least 2 CPUs: one for the server, one for wrk')
  const wrkThreads = options.pin ? 1 : Math.max(1, Math.min(2, availableParallelism()))
  const setup: MeasureSetup = {
    dataPath: data.path,
    lineCount: data.lines,
    wrkBin,
    wrkScript: writeRandomLinesScript(scratch),
    wrkThreads,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    readyTimeoutMs: READY_TIMEOUT_MS,
    pinning: options.pin ? { server: '0', wrk: '1' } : undefined
  }
  const rounds: RungRound[] = []
  try {
    // Interleaved: every rung once per round, so drift on a shared machine spreads over all rungs.
    for (let round = 1; round <= options.rounds; round++) {
      for (const rung of options.rungs) {
        const measured = await measureRung(rung, round, options.seed + round - 1, setup)
        rounds.push(measured)
        log(describeRound(measured, options.rounds))
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  return {
    schema: LADDER_SCHEMA,
    kind: 'ladder',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command,
    options: { ...options },
    machine: { cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart },
    data: { path: data.path, bytes: data.bytes, lines: data.lines, reused: data.reused },
    wrk: { threads: wrkThreads, connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds },
    rungs: summarizeRungs(options.rungs, rounds),
    notes
  }
}
