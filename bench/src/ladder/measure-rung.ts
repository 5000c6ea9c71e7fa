// One measurement of one rung: start it, warm it up, run wrk while sampling the CPU of its main
// thread and of the whole process from /proc, stop it. A failure is recorded, not thrown.
import { cpuSeconds, threadCpuSeconds } from '../proc-stats.js'
import { runWrkScript, type WrkRun } from '../load/wrk-process.js'
import type { RungRound } from './ladder-results.js'
import { randomLinesArgs } from './random-lines-lua.js'
import type { RungName } from './rungs.js'
import { startRung } from './start-rung.js'

export interface MeasureSetup {
  readonly dataPath: string
  readonly lineCount: number
  readonly wrkBin: string
  readonly wrkScript: string
  readonly wrkThreads: number
  readonly connections: number
  readonly durationSeconds: number
  /** Seconds of the same load before measuring (JIT, caches); 0 for none. */
  readonly warmupSeconds: number
  readonly readyTimeoutMs: number
  /** CPUs for the server and for wrk (`taskset -c` lists); undefined: anywhere. */
  readonly pinning: { readonly server: string, readonly wrk: string } | undefined
}

interface CpuReading { readonly main: number, readonly process: number, readonly at: number }

function readCpu (pid: number): CpuReading {
  return { main: threadCpuSeconds(pid, pid), process: cpuSeconds(pid), at: performance.now() }
}

const NOT_MEASURED = { requests: 0, seconds: 0, requestsPerSec: 0, errors: 0, mainThreadCpuSeconds: 0, processCpuSeconds: 0, cpuWindowSeconds: 0, mainThreadUsPerRequest: 0, processCores: 0, mainThreadCores: 0 } as const

export async function measureRung (rung: RungName, round: number, seed: number, setup: MeasureSetup): Promise<RungRound> {
  let started: Awaited<ReturnType<typeof startRung>> | undefined
  try {
    started = await startRung(rung, setup.dataPath, setup.readyTimeoutMs, setup.pinning?.server)
    const { url, pid } = started
    const wrk = (durationSeconds: number): WrkRun => ({ url, connections: setup.connections, durationSeconds, threads: setup.wrkThreads, scriptArgs: randomLinesArgs(setup.lineCount, seed), cpuList: setup.pinning?.wrk })
    if (setup.warmupSeconds > 0) await runWrkScript(setup.wrkBin, setup.wrkScript, wrk(setup.warmupSeconds))
    const before = readCpu(pid)
    const { summary } = await runWrkScript(setup.wrkBin, setup.wrkScript, wrk(setup.durationSeconds))
    const after = readCpu(pid)
    const seconds = summary.durationUs / 1e6
    const cpuWindowSeconds = (after.at - before.at) / 1000
    const mainThreadCpuSeconds = after.main - before.main
    const processCpuSeconds = after.process - before.process
    return {
      rung,
      round,
      requests: summary.requests,
      seconds,
      requestsPerSec: seconds > 0 ? summary.requests / seconds : 0,
      errors: summary.status + summary.connect + summary.read + summary.write + summary.timeout,
      mainThreadCpuSeconds,
      processCpuSeconds,
      cpuWindowSeconds,
      mainThreadUsPerRequest: summary.requests > 0 ? mainThreadCpuSeconds / summary.requests * 1e6 : 0,
      mainThreadCores: cpuWindowSeconds > 0 ? mainThreadCpuSeconds / cpuWindowSeconds : 0,
      processCores: cpuWindowSeconds > 0 ? processCpuSeconds / cpuWindowSeconds : 0
    }
  } catch (err) {
    return { rung, round, ...NOT_MEASURED, failure: (err as Error).message.slice(0, 500) }
  } finally {
    await started?.stop()
  }
}
