// Throughput through the HAProxy balancer against one server process asked directly, on the
// same data and in the same run: direct, lb over 1 replica, lb over 2 replicas. Rounds visit the
// configurations in turn, so drift in the machine's load spreads over all of them; each
// measured window follows a short warm-up (caches, keep-alive pools). The median round counts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateDataFile, startServer, type ServerProcess } from '@line-server/testkit'
import { startHaproxy, waitForServers, type HaproxyProcess } from './haproxy-process.js'
import { generated, runGenerateHaproxy } from './lb-generators.js'
import { runWrk, type WrkSummary } from './wrk.js'

export interface ThroughputOptions {
  /** Measured seconds per configuration. */
  readonly seconds: number
  readonly warmupSeconds: number
  readonly connections: number
  readonly wrkThreads: number
  readonly dataBytes: number
  /** Requests cycle through lines 1..maxLine (capped at the file's line count). */
  readonly maxLine: number
  /** Measured windows per configuration; default 1. */
  readonly rounds?: number
}

export interface ThroughputRow extends WrkSummary {
  readonly name: string
  readonly requestsPerSecond: number
  /** requestsPerSecond divided by that of the direct configuration. */
  readonly ratio: number
  /** req/s of every round, in order; the row's other figures are from the median one. */
  readonly roundsRequestsPerSecond: number[]
}

export async function measureLbThroughput (options: ThroughputOptions): Promise<ThroughputRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ops-lb-bench-'))
  const servers: ServerProcess[] = []
  const balancers: HaproxyProcess[] = []
  try {
    const file = join(dir, 'data.txt')
    const { lines } = generateDataFile(file, options.dataBytes, { seed: 7 })
    servers.push(await startServer(file), await startServer(file))
    const configs = [{ name: 'direct (1 server process)', url: servers[0]!.url }]
    for (const count of [1, 2]) {
      const args = servers.slice(0, count).flatMap((s) => ['--server', `127.0.0.1:${s.port}`])
      const haproxy = await startHaproxy((bind, stats) => generated(runGenerateHaproxy(['--bind', bind, '--stats', stats, ...args])))
      balancers.push(haproxy)
      await waitForServers(haproxy, 'line_servers', (status) => status === 'UP')
      configs.push({ name: `haproxy -> ${count} server process${count > 1 ? 'es' : ''}`, url: haproxy.url })
    }
    const wrk = { connections: options.connections, threads: options.wrkThreads, maxLine: Math.min(lines, options.maxLine) }
    const samples = configs.map(() => [] as Array<WrkSummary & { requestsPerSecond: number }>)
    for (let round = 0; round < (options.rounds ?? 1); round++) {
      for (const [i, config] of configs.entries()) {
        if (options.warmupSeconds > 0) await runWrk({ ...wrk, url: config.url, seconds: options.warmupSeconds })
        samples[i]!.push(await runWrk({ ...wrk, url: config.url, seconds: options.seconds }))
      }
    }
    const rows = configs.map((config, i) => {
      const sorted = [...samples[i]!].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
      const median = sorted[Math.floor((sorted.length - 1) / 2)]!
      return { name: config.name, ...median, roundsRequestsPerSecond: samples[i]!.map((s) => s.requestsPerSecond) }
    })
    const base = rows[0]!.requestsPerSecond
    return rows.map((r) => ({ ...r, ratio: r.requestsPerSecond / base }))
  } finally {
    await Promise.all(balancers.map(async (b) => await b.stop()))
    await Promise.all(servers.map(async (s) => await s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
}
