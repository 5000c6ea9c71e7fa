// `pnpm --filter bench rss FILE [server options]`: the resident memory of `line-server serve FILE`
// after 1 s idle, then its peak under `wrk -t2 -c100 -d8` asking random lines, and that peak
// minus the bytes the LRU cache holds (the target is "150 MB plus the cache budget"). Prints
// one line; exits 1 when wrk is missing or the server does not start, 2 on a bad command line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer, type ServerProcess } from '@line-server/testkit'
import { readCacheBytes } from '../cache-stats.js'
import { randomLinesArgs, writeRandomLinesScript } from '../ladder/random-lines-lua.js'
import { runWrkScript } from '../load/wrk-process.js'
import { peakRssBytes, rssBytes } from '../proc-stats.js'
import { findBinary } from '../tools.js'

const USAGE = 'usage: pnpm --filter bench rss FILE [server options...]   e.g. rss big.txt --threads 1'
const MB = 1024 * 1024

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
    const lineCount = Number(server.logs.find((entry) => entry.msg === 'serving')?.lines)
    if (!(lineCount >= 1)) { process.stderr.write(`rss: ${dataPath} has no lines to ask for\n`); return 1 }
    const pid = server.child.pid!
    await sleep(1000)
    const idle = rssBytes(pid)
    const run = await runWrkScript(wrk, writeRandomLinesScript(scratch), {
      url: `${server.url}/lines/1`, connections: 100, durationSeconds: 8, threads: 2, scriptArgs: randomLinesArgs(lineCount, 1)
    })
    const peak = peakRssBytes(pid)
    const cache = await readCacheBytes(server.url) ?? 0
    const perSecond = run.summary.requests / (run.summary.durationUs / 1e6)
    process.stdout.write(`idle RSS ${Math.floor(idle / MB)} MB; peak RSS under load ${Math.floor(peak / MB)} MB; cache holds ${Math.floor(cache / MB)} MB; ` +
      `peak minus cache ${Math.floor((peak - cache) / MB)} MB; ${perSecond.toFixed(0)} req/s\n`)
    return 0
  } finally {
    rmSync(scratch, { recursive: true, force: true })
    await server.stop()
  }
}

process.exitCode = await main(process.argv.slice(2))
