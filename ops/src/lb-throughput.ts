// Throughput through the HAProxy balancer against one server process asked directly, on the
// same data and in the same run: direct → lb over 1 replica → lb over 2 replicas. Each
// configuration gets a short warm-up (caches, keep-alive pools) before its measured window.
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
}

export interface ThroughputRow extends WrkSummary {
  readonly name: string
  readonly requestsPerSecond: number
  /** requestsPerSecond divided by that of the direct configuration. */
  readonly ratio: number
}

export async function measureLbThroughput (options: ThroughputOptions): Promise<ThroughputRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ops-lb-bench-'))
  const servers: ServerProcess[] = []
  let haproxy: HaproxyProcess | undefined
  try {
    const file = join(dir, 'data.txt')
    const { lines } = generateDataFile(file, options.dataBytes, { seed: 7 })
    servers.push(await startServer(file), await startServer(file))
    const maxLine = Math.min(lines, options.maxLine)
    const rows: Array<Omit<ThroughputRow, 'ratio'>> = []
    const measure = async (name: string, url: string): Promise<void> => {
      if (options.warmupSeconds > 0) await runWrk({ url, seconds: options.warmupSeconds, connections: options.connections, threads: options.wrkThreads, maxLine })
      rows.push({ name, ...await runWrk({ url, seconds: options.seconds, connections: options.connections, threads: options.wrkThreads, maxLine }) })
    }
    await measure('direct (1 server process)', servers[0]!.url)
    for (const count of [1, 2]) {
      const args = servers.slice(0, count).flatMap((s) => ['--server', `127.0.0.1:${s.port}`])
      haproxy = await startHaproxy((bind, stats) => generated(runGenerateHaproxy(['--bind', bind, '--stats', stats, ...args])))
      await waitForServers(haproxy, 'line_servers', (status) => status === 'UP')
      await measure(`haproxy -> ${count} server process${count > 1 ? 'es' : ''}`, haproxy.url)
      await haproxy.stop()
      haproxy = undefined
    }
    const base = rows[0]!.requestsPerSecond
    return rows.map((r) => ({ ...r, ratio: r.requestsPerSecond / base }))
  } finally {
    await haproxy?.stop()
    await Promise.all(servers.map(async (s) => await s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
}
