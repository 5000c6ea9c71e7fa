// Runs the Debian `haproxy` binary in the foreground on loopback with a generated config, and
// reads its stats (which servers are UP) from the CSV stats page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDaemon, type Daemon } from './daemon.js'
import { freePort } from './free-port.js'

export interface HaproxyProcess {
  readonly daemon: Daemon
  readonly configPath: string
  /** http://127.0.0.1:<port> of the frontend that balances /lines/<n>. */
  readonly url: string
  /** http://127.0.0.1:<port> of the stats frontend (/stats, /metrics). */
  readonly statsUrl: string
  /** Server name → status (UP, DOWN, ...) for `backend`, from the stats page. */
  readonly serverStatus: (backend: string) => Promise<Map<string, string>>
  /** The whole stats table (retries are in `wretr`, redispatches in `wredis`). */
  readonly stats: () => Promise<StatsRow[]>
  readonly stop: () => Promise<void>
}

/** Renders a config that binds the frontend and the stats page to the given loopback addresses. */
export type ConfigRenderer = (frontendBind: string, statsBind: string) => string

/** Starts HAProxy on two free loopback ports and waits until the frontend accepts connections. */
export async function startHaproxy (render: ConfigRenderer): Promise<HaproxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'ops-haproxy-'))
  const configPath = join(dir, 'haproxy.cfg')
  let lastError: unknown
  // A freshly chosen port can be taken before HAProxy binds it: try others.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [frontendPort, statsPort] = [await freePort(), await freePort()]
    const url = `http://127.0.0.1:${frontendPort}`
    const statsUrl = `http://127.0.0.1:${statsPort}`
    writeFileSync(configPath, render(`127.0.0.1:${frontendPort}`, `127.0.0.1:${statsPort}`))
    try {
      // -db: stay in the foreground, so the test owns the process and sees its output.
      const daemon = await startDaemon('haproxy', ['-db', '-f', configPath], {
        ready: async () => { await fetch(`${statsUrl}/stats;csv`); return true }
      })
      return {
        daemon,
        configPath,
        url,
        statsUrl,
        serverStatus: async (backend) => await readServerStatus(statsUrl, backend),
        stats: async () => await readStats(statsUrl),
        stop: async () => { await daemon.stop(); rmSync(dir, { recursive: true, force: true }) }
      }
    } catch (err) {
      lastError = err
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw lastError
}

/** One row per frontend, backend and server of the CSV stats page, keyed by column name. */
export type StatsRow = Readonly<Record<string, string>>

async function readStats (statsUrl: string): Promise<StatsRow[]> {
  const csv = await (await fetch(`${statsUrl}/stats;csv`)).text()
  const [header, ...rows] = csv.trim().split('\n')
  const columns = (header ?? '').replace(/^# /, '').split(',')
  return rows.map((row) => {
    const cells = row.split(',')
    return Object.fromEntries(columns.map((name, i) => [name, cells[i] ?? '']))
  })
}

async function readServerStatus (statsUrl: string, backend: string): Promise<Map<string, string>> {
  const rows = (await readStats(statsUrl)).filter((r) => r.pxname === backend && r.svname !== 'BACKEND' && r.svname !== 'FRONTEND')
  return new Map(rows.map((r) => [r.svname!, r.status!]))
}

/** Polls until every server of `backend` reports `wanted` (e.g. 'UP'), or throws after `timeoutMs`. */
export async function waitForServers (haproxy: HaproxyProcess, backend: string, wanted: (status: string, server: string) => boolean, timeoutMs = 20_000): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs
  let last = new Map<string, string>()
  while (Date.now() < deadline) {
    last = await haproxy.serverStatus(backend)
    if (last.size > 0 && [...last].every(([server, status]) => wanted(status, server))) return last
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`servers of ${backend} did not reach the wanted state: ${JSON.stringify([...last])}\n${haproxy.daemon.output().slice(-2000)}`)
}
