// The primary process of `--processes N`: checks or builds the index once (so workers only
// load it), forks N serving workers that share the listening socket, replaces a worker that
// dies, aggregates metrics, and on SIGTERM/SIGINT drains every worker before exiting.
import cluster, { type Worker } from 'node:cluster'
import { createProgressReporter, ensureIndex } from '@line-server/indexer'
import { indexOptionsOf, type ServerConfig } from './config.js'
import type { Logger } from './logger.js'
import { serveClusterMetrics } from './cluster-metrics.js'
import { indexLogFields } from './line-service.js'

// More restarts than this within the window means workers cannot start: stop instead of looping.
const MAX_RESTARTS = 5
const RESTART_WINDOW_MS = 60_000

export async function runClusterPrimary (config: ServerConfig, logger: Logger): Promise<number> {
  const progress = createProgressReporter(process.stderr, 'indexing')
  const ensured = await ensureIndex(indexOptionsOf(config, progress.update))
  progress.finish()
  // Only these outlive this line: the loaded table (ensured.index) is the workers' to hold;
  // kept in the handlers below, `ensured` would pin the primary's copy for its whole life.
  const { lineCount, dataSizeBytes } = ensured.header
  const indexLog = indexLogFields(ensured)
  serveClusterMetrics()

  let shuttingDown = false
  const restarts: number[] = []
  const listening = new Set<number>()
  let announced = false
  return await new Promise<number>((resolve) => {
    let failed = false
    const fork = (): Worker => cluster.fork({ LINE_SERVER_WORKER: '1' })
    const finishIfDone = (): void => {
      if (shuttingDown && Object.keys(cluster.workers ?? {}).length === 0) resolve(failed ? 1 : 0)
    }
    cluster.on('listening', (worker, address) => {
      listening.add(worker.id)
      if (announced || listening.size < config.processes) return
      announced = true
      logger.log('info', 'serving', {
        file: config.dataPath,
        lines: lineCount,
        bytes: dataSizeBytes,
        ...indexLog,
        reloaded: false,
        host: address.address,
        port: address.port,
        processes: config.processes,
        threads: config.threads,
        workerNice: config.workerNice,
        cacheBytes: config.cacheBytes
      })
    })
    cluster.on('exit', (worker, code, signal) => {
      listening.delete(worker.id)
      if (shuttingDown) {
        if (code !== 0) failed = true
        finishIfDone()
        return
      }
      logger.log('error', 'worker process died; starting another', { pid: worker.process.pid, code, signal })
      const now = Date.now()
      restarts.push(now)
      while (restarts[0] !== undefined && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift()
      if (restarts.length > MAX_RESTARTS) {
        logger.log('error', 'worker processes keep dying; stopping', { restarts: restarts.length, windowMs: RESTART_WINDOW_MS })
        failed = true
        shutdown('worker-failures')
        return
      }
      fork()
    })
    const shutdown = (reason: string): void => {
      if (shuttingDown) return
      shuttingDown = true
      logger.log('info', 'shutting down', { signal: reason, processes: Object.keys(cluster.workers ?? {}).length })
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
      finishIfDone()
    }
    process.on('SIGTERM', () => { shutdown('SIGTERM') })
    process.on('SIGINT', () => { shutdown('SIGINT') })
    for (let i = 0; i < config.processes; i++) fork()
  })
}
