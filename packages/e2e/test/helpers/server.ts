// The real `line-server serve` as a child process, stopped in the test's teardown, plus the
// checks every line response must pass (status, headers, exact bytes).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { ExecutionContext } from 'ava'
import { LINE_SERVER_BIN, attachServerProcess, type ServerProcess, type StartServerOptions } from '@line-server/testkit'
import type { RawResponse } from './http.js'

/** Starts a server for `dataPath` and stops it (SIGTERM, then SIGKILL) when the test ends. */
export async function serveFile (t: ExecutionContext, dataPath: string, options: StartServerOptions = {}): Promise<ServerProcess> {
  const server = await launchServer(dataPath, options)
  t.teardown(async () => { await server.stop() })
  return server
}

/** testkit's startServer, with the e2e helpers' signature. */
export async function launchServer (dataPath: string, options: StartServerOptions = {}): Promise<ServerProcess> {
  return await launchServeCommand(['serve', dataPath, '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], options)
}

/** Runs `line-server <args>` exactly as given (no port or host added) until it logs "serving". */
export async function launchServeCommand (args: readonly string[], options: Omit<StartServerOptions, 'args'> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [LINE_SERVER_BIN, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return await attachServerProcess(child, options.readyTimeoutMs)
}

/** The server's "serving" log entry: lines, bytes, indexBuilt, indexRebuiltBecause, indexSeconds, … */
export function servingLog (server: ServerProcess): Record<string, unknown> {
  const entry = server.logs.find((line) => line.msg === 'serving')
  if (entry === undefined) throw new Error('the server printed no "serving" log line')
  return entry
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (Linux only). */
export function residentBytes (pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(match[1]) * 1024
}

/** Asserts a 200 line response carrying exactly `expected`, with the contract's headers. */
export function assertLineResponse (t: ExecutionContext, res: RawResponse, expected: Buffer, what: string): boolean {
  const ok = t.is(res.status, 200, `${what}: status`) &&
    t.is(res.headers['content-type'], 'text/plain; charset=utf-8', `${what}: Content-Type`) &&
    t.is(res.headers['content-length'], String(expected.length), `${what}: Content-Length`) &&
    t.is(res.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`)
  return ok && assertSameBytes(t, res.body, expected, what)
}

/** Byte-exact comparison whose failure message says where the bytes first differ. */
export function assertSameBytes (t: ExecutionContext, actual: Buffer, expected: Buffer, what: string): boolean {
  if (actual.equals(expected)) return t.pass()
  let at = 0
  while (at < Math.min(actual.length, expected.length) && actual[at] === expected[at]) at++
  const around = (buf: Buffer): string => buf.subarray(Math.max(0, at - 8), at + 8).toString('hex')
  t.fail(`${what}: got ${actual.length} bytes, expected ${expected.length}; first difference at byte ${at} (got …${around(actual)}…, expected …${around(expected)}…)`)
  return false
}
