// Our line server, started through the real CLI (testkit's startServer): default config, with
// the LRU cache turned off, or as N processes sharing the port (--processes).
import { startServer } from '@line-server/testkit'
import type { RunningSystem } from './running-system.js'

export async function startOurs (dataPath: string, cache: boolean, processes = 1): Promise<RunningSystem> {
  const started = performance.now()
  const args = [...(cache ? [] : ['--cache-bytes', '0']), ...(processes > 1 ? ['--processes', String(processes)] : [])]
  const server = await startServer(dataPath, { args, readyTimeoutMs: 600_000 })
  return {
    name: processes > 1 ? 'ours-cluster' : cache ? 'ours' : 'ours-nocache',
    label: processes > 1 ? `ours ×${processes}` : cache ? 'ours' : 'ours (cache 0)',
    processes,
    pid: server.child.pid ?? 0,
    url: server.url,
    startSeconds: (performance.now() - started) / 1000,
    stop: async () => { await server.stop() }
  }
}
