// Our line server, started through the real CLI (testkit's startServer), default config or
// with the LRU cache turned off.
import { startServer } from '@line-server/testkit'
import type { RunningSystem } from './running-system.js'

export async function startOurs (dataPath: string, cache: boolean): Promise<RunningSystem> {
  const started = performance.now()
  const server = await startServer(dataPath, { args: cache ? [] : ['--cache-bytes', '0'], readyTimeoutMs: 600_000 })
  return {
    name: cache ? 'ours' : 'ours-nocache',
    label: cache ? 'ours' : 'ours (cache 0)',
    processes: 1,
    pid: server.child.pid ?? 0,
    url: server.url,
    startSeconds: (performance.now() - started) / 1000,
    stop: async () => { await server.stop() }
  }
}
