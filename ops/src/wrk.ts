// Runs `wrk` (Debian package) with ops/scripts/wrk-lines.lua against a base URL and parses the
// JSON summary the script prints.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { WRK_SCRIPT } from './repo-paths.js'

const run = promisify(execFile)

export interface WrkOptions {
  readonly url: string
  readonly seconds: number
  readonly connections: number
  /** wrk threads (each is one busy core); default 1. */
  readonly threads?: number
  /** Requests cycle through /lines/1 .. /lines/maxLine. */
  readonly maxLine: number
}

export interface WrkSummary {
  readonly requests: number
  readonly durationUs: number
  readonly bytes: number
  readonly connectErrors: number
  readonly readErrors: number
  readonly writeErrors: number
  readonly timeouts: number
  readonly non2xx: number
  readonly p50Us: number
  readonly p99Us: number
  readonly maxUs: number
}

export async function runWrk (options: WrkOptions): Promise<WrkSummary & { requestsPerSecond: number }> {
  const { stdout } = await run('wrk', [
    `-t${options.threads ?? 1}`, `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '5s',
    '-s', WRK_SCRIPT, options.url
  ], { env: { ...process.env, WRK_MAX_LINE: String(options.maxLine) }, timeout: (options.seconds + 30) * 1000 })
  const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'))
  if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`)
  const summary = JSON.parse(line) as WrkSummary
  return { ...summary, requestsPerSecond: summary.requests / (summary.durationUs / 1e6) }
}
