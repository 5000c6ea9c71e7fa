// Runs the Debian `prometheus` binary directly (not as a service) on a loopback port with its
// storage in a temporary directory, and queries it through the HTTP API.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDaemon, type Daemon } from './daemon.js'
import { freePort } from './free-port.js'

export interface PrometheusProcess {
  readonly url: string
  readonly daemon: Daemon
  /** Instant query at now; resolves with the API's `data` or rejects with its error. */
  readonly query: (expr: string) => Promise<QueryData>
  readonly stop: () => Promise<void>
}

export interface QueryData {
  readonly resultType: string
  readonly result: ReadonlyArray<{ metric: Record<string, string>, value?: [number, string] }>
}

interface ApiAnswer { status: 'success' | 'error', data?: QueryData, errorType?: string, error?: string, warnings?: string[] }

export async function startPrometheus (configPath: string): Promise<PrometheusProcess> {
  const storage = mkdtempSync(join(tmpdir(), 'ops-prometheus-'))
  let lastError: unknown
  // A freshly chosen port can be taken before Prometheus binds it: try another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    try {
      const daemon = await startDaemon('prometheus', [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${storage}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
        '--log.level=warn'
      ], { ready: async () => (await fetch(`${url}/-/ready`)).status === 200 })
      return {
        url,
        daemon,
        query: async (expr) => await instantQuery(url, expr),
        stop: async () => { await daemon.stop(); rmSync(storage, { recursive: true, force: true }) }
      }
    } catch (err) {
      lastError = err
    }
  }
  rmSync(storage, { recursive: true, force: true })
  throw lastError
}

async function instantQuery (url: string, expr: string): Promise<QueryData> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }).toString()
  })
  const answer = await response.json() as ApiAnswer
  if (answer.status !== 'success' || answer.data === undefined) throw new Error(`${answer.errorType ?? response.status}: ${answer.error ?? 'no data'}`)
  return answer.data
}
