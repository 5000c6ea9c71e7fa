// 10,000 connections need more file descriptors than a default shell allows. Node cannot call
// setrlimit, so when the soft limit is too low we re-run this same command under a shell that
// raises it (`ulimit -n`); the servers and load workers we spawn inherit the raised limit.
import { spawn } from 'node:child_process'
import { fdLimits } from './proc-stats.js'

const RAISED_ENV = 'BENCH_FD_LIMIT_RAISED'

/**
 * Resolves undefined when the current limit is enough (or was already raised), else runs the
 * command again with a raised limit and resolves with that run's exit code.
 */
export async function rerunWithFdLimit (neededFds: number): Promise<number | undefined> {
  const { soft } = fdLimits()
  if (soft >= neededFds || process.env[RAISED_ENV] !== undefined) return undefined
  const target = Math.max(neededFds, 65536)
  process.stderr.write(`bench: raising the open-file limit from ${soft} to ${target} (ulimit -n)\n`)
  // As root `ulimit -n` raises the hard limit too; otherwise go as far as the hard limit allows.
  const script = `ulimit -n ${target} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`
  const child = spawn('/bin/sh', ['-c', script, 'sh', process.execPath, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [RAISED_ENV]: '1' }
  })
  const forward = (signal: NodeJS.Signals): void => { child.kill(signal) }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return await new Promise((resolve) => child.once('exit', (code, signal) => { resolve(code ?? (signal === null ? 1 : 128 + 15)) }))
}
