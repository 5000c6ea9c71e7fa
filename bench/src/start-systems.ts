// Starts every selected system in its own process, one after the other; a system that fails to
// start is left out with a note rather than ending the run.
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { BenchOptions, SystemName } from './options.js'
import type { RunningSystem } from './systems/running-system.js'
import { startOurs } from './systems/ours.js'
import { startNodeBaseline } from './systems/node-baseline.js'
import { startNginx } from './systems/nginx.js'
import { ensureBinary } from './tools.js'

async function startOne (name: SystemName, options: BenchOptions, dataPath: string, scratch: string, notes: string[]): Promise<RunningSystem | undefined> {
  switch (name) {
    case 'ours': return await startOurs(dataPath, true)
    case 'ours-nocache': return await startOurs(dataPath, false)
    case 'ours-cluster': return await startOurs(dataPath, true, options.clusterProcesses)
    case 'node': return await startNodeBaseline(dataPath, 1)
    case 'node-cluster': return await startNodeBaseline(dataPath, options.clusterProcesses)
    case 'nginx': {
      const bin = ensureBinary('nginx', 'nginx', options.install, notes)
      if (bin === undefined) return undefined
      const workers = options.clusterProcesses === availableParallelism() ? 'auto' : options.clusterProcesses
      return await startNginx(bin, join(scratch, 'nginx'), workers, options.clusterProcesses)
    }
  }
}

export async function startSystems (options: BenchOptions, dataPath: string, scratch: string, notes: string[], log: (text: string) => void): Promise<RunningSystem[]> {
  const running: RunningSystem[] = []
  for (const name of options.systems) {
    try {
      const system = await startOne(name, options, dataPath, scratch, notes)
      if (system === undefined) continue
      log(`started ${system.label} (pid ${system.pid}, ${system.url}) in ${system.startSeconds.toFixed(2)} s`)
      running.push(system)
    } catch (err) {
      notes.push(`${name} failed to start: ${(err as Error).message.slice(0, 300)}`)
      log(`${name} failed to start: ${(err as Error).message}`)
    }
  }
  return running
}

export async function stopSystems (systems: readonly RunningSystem[]): Promise<void> {
  await Promise.all(systems.map(async (s) => { await s.stop().catch(() => {}) }))
}
