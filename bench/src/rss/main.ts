// `pnpm --filter bench rss FILE [server options]`: the resident memory of `line-server serve FILE`
// after 1 s idle, then its peak under `wrk -t2 -c100 -d8` asking random lines twice: first with
// the cache as uniform reads leave it (nearly empty), then after filling it by asking for a set
// of lines a little larger than it holds. The target is "150 MB plus the cache budget", so the
// second line, the worst case, prints the peak minus the budget. MB here are MiB, as in /proc.
// Exits 1 when wrk is missing or the server does not start, 2 on a bad command line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer, type ServerProcess } from '@line-server/testkit'
import { readCacheBytes } from '../cache-stats.js'
import { loadHotLines } from '../ladder/gateway-stack.js'
import { randomLinesArgs, writeRandomLinesScript } from '../ladder/random-lines-lua.js'
import { runWrkScript } from '../load/wrk-process.js'
import { peakRssBytes, rssBytes } from '../proc-stats.js'
import { findBinary } from '../tools.js'

const USAGE = 'usage: pnpm --filter bench rss FILE [server options...]   e.g. rss big.txt --threads 1'
const MB = 1024 * 1024
/** Fill rounds of 3 s each stop once the cache holds this share of its budget, or stops growing. */
const FULL_SHARE = 0.97
const MAX_FILL_ROUNDS = 60

interface ServedFile { readonly lines: number, readonly bytes: number, readonly cacheBytes: number }

async function main (argv: readonly string[]): Promise<number> {
  const [file, ...serverArgs] = argv.filter((arg) => arg !== '--')
  if (file === undefined || file.startsWith('-')) { process.stderr.write(`rss: ${USAGE}\n`); return 2 }
  const wrk = findBinary('wrk')
  if (wrk === undefined) { process.stderr.write('rss: wrk is not installed (apt-get install wrk)\n'); return 1 }
  // pnpm --filter runs this in bench/; a relative FILE means the caller's directory.
  const dataPath = resolve(process.env.INIT_CWD ?? process.cwd(), file)
  let server: ServerProcess
  try {
    server = await startServer(dataPath, { args: serverArgs, readyTimeoutMs: 600_000 })
  } catch (err) {
    process.stderr.write(`rss: the server did not become ready: ${(err as Error).message}\n`)
    return 1
  }
  const scratch = mkdtempSync(join(tmpdir(), 'bench-rss-'))
  try {
    const serving = server.logs.find((entry) => entry.msg === 'serving')
    const served: ServedFile = { lines: Number(serving?.lines), bytes: Number(serving?.bytes), cacheBytes: Number(serving?.cacheBytes) }
    if (!(served.lines >= 1)) { process.stderr.write(`rss: ${dataPath} has no lines to ask for\n`); return 1 }
    const pid = server.child.pid!
    const script = writeRandomLinesScript(scratch)
    const load = async (lineCount: number, seconds: number, seed: number): Promise<number> => {
      const run = await runWrkScript(wrk, script, {
        url: `${server.url}/lines/1`, connections: 100, durationSeconds: seconds, threads: 2, scriptArgs: randomLinesArgs(lineCount, seed)
      })
      return run.summary.requests / (run.summary.durationUs / 1e6)
    }
    await sleep(1000)
    const idle = rssBytes(pid)
    const emptyRate = await load(served.lines, 8, 1)
    const emptyPeak = peakRssBytes(pid)
    const emptyCache = await readCacheBytes(server.url) ?? 0
    process.stdout.write(`idle RSS ${mb(idle)} MB; peak RSS under load ${mb(emptyPeak)} MB; cache holds ${mb(emptyCache)} MB; ` +
      `peak minus cache ${mb(emptyPeak - emptyCache)} MB; ${emptyRate.toFixed(0)} req/s\n`)

    const filled = await fillCache(served, server.url, async (lineCount, seed) => { await load(lineCount, 3, seed) })
    const fullRate = await load(served.lines, 8, 2)
    const fullPeak = peakRssBytes(pid)
    process.stdout.write(`cache filled to ${mb(filled)} MB of its ${mb(served.cacheBytes)} MB budget; peak RSS under load ${mb(fullPeak)} MB; ` +
      `peak minus budget ${mb(fullPeak - served.cacheBytes)} MB; ${fullRate.toFixed(0)} req/s\n`)
    return 0
  } finally {
    rmSync(scratch, { recursive: true, force: true })
    await server.stop()
  }
}

/**
 * Asks for random lines among the first few more than the cache can hold, so most requests hit
 * and the cache takes every miss while it has room, until it is full or stops growing (a file
 * smaller than the budget never fills it). Returns the bytes it holds then.
 */
async function fillCache (served: ServedFile, url: string, loadLines: (lineCount: number, seed: number) => Promise<void>): Promise<number> {
  const { cacheEntryBytes } = await loadHotLines()
  const meanEntryBytes = cacheEntryBytes(Math.round(served.bytes / served.lines))
  const lineCount = Math.min(served.lines, Math.ceil(1.5 * served.cacheBytes / meanEntryBytes))
  let held = await readCacheBytes(url) ?? 0
  for (let round = 1; round <= MAX_FILL_ROUNDS && held < FULL_SHARE * served.cacheBytes; round++) {
    await loadLines(lineCount, 100 + round)
    const now = await readCacheBytes(url) ?? 0
    if (now <= held) return now
    held = now
  }
  return held
}

function mb (bytes: number): number {
  return Math.floor(bytes / MB)
}

process.exitCode = await main(process.argv.slice(2))
