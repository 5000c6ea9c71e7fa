// Runs wrk with a Lua script and reads its summary back: every bench script ends with the
// `done` hook below, which prints one WRK_JSON line; bash's `times` gives wrk's own CPU.
import { spawn } from 'node:child_process'
import { onCpus } from '../cpu-pinning.js'

/**
 * Numbers wrk's threads: each has its own Lua state, and `setup` (run in the main state) gives
 * each one a global `id` (0, 1, ...) before its `init`, so scripts can seed or offset per thread.
 */
export const WRK_THREAD_ID_LUA = `
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
`

/** The Lua `done` hook every bench wrk script ends with: the run's counts and latency as JSON. */
export const WRK_SUMMARY_LUA = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"meanUs":%f,"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
`

/** What WRK_SUMMARY_LUA prints: counts, wrk's window in µs, error kinds, latency in µs. */
export interface WrkSummary {
  readonly requests: number
  readonly durationUs: number
  readonly connect: number
  readonly read: number
  readonly write: number
  /** Responses with a status other than 2xx/3xx. */
  readonly status: number
  readonly timeout: number
  readonly meanUs: number
  readonly p50Us: number
  readonly p90Us: number
  readonly p99Us: number
  readonly p999Us: number
  readonly maxUs: number
}

export interface WrkRun {
  readonly url: string
  readonly connections: number
  /** Rounded to whole seconds (at least 1): wrk takes no fractions. */
  readonly durationSeconds: number
  /** wrk threads; never more than the connections. */
  readonly threads: number
  /** Passed to the script's `init(args)`. */
  readonly scriptArgs: readonly string[]
  /** CPUs wrk may run on, as `taskset -c` takes them (e.g. "1"); default any. */
  readonly cpuList?: string
}

export interface WrkOutcome {
  readonly summary: WrkSummary
  /** CPU seconds wrk used over its whole life (start-up and connecting included). */
  readonly cpuSeconds: number
  readonly wallSeconds: number
}

export async function runWrkScript (wrkBin: string, scriptPath: string, run: WrkRun): Promise<WrkOutcome> {
  const seconds = Math.max(1, Math.round(run.durationSeconds))
  const args = ['-t', String(Math.min(run.threads, run.connections)), '-c', String(run.connections), '-d', `${seconds}s`, '--timeout', '10s',
    '-s', scriptPath, run.url, '--', ...run.scriptArgs]
  // bash's `times` prints the CPU time of its children: wrk's own CPU, for the generator share.
  const started = performance.now()
  const command = onCpus([wrkBin, ...args], run.cpuList)
  const child = spawn('bash', ['-c', '"$0" "$@"; rc=$?; times >&2; exit $rc', ...command], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => { stdout += t })
  child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t })
  // 'close', not 'exit': the summary is read from the pipes, which may still hold it at 'exit'.
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  const wallSeconds = (performance.now() - started) / 1000
  const line = /^WRK_JSON (.*)$/m.exec(stdout)
  if (code !== 0 || line === null) throw new Error(`wrk failed (exit ${code}): ${stderr.trim()} ${stdout.trim()}`.slice(0, 2000))
  return { summary: JSON.parse(line[1]!) as WrkSummary, cpuSeconds: childCpuSeconds(stderr), wallSeconds }
}

/** The second line of bash's `times`: children's user and system time, e.g. "0m1.234s 0m0.567s". */
function childCpuSeconds (stderr: string): number {
  const lines = stderr.trim().split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()))
  const last = lines[lines.length - 1]
  if (last === undefined) return 0
  return last.trim().split(' ').reduce((sum, part) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(part)
    return sum + (m === null ? 0 : Number(m[1]) * 60 + Number(m[2]))
  }, 0)
}
