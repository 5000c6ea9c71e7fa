// `line-server serve <file>`: config → listen → index (build or load) → engine → ready.
// SIGTERM/SIGINT drain in-flight requests, close the pool and exit 0.
import { formatHelp } from '@line-server/shared'
import { checkReadableFile, createProgressReporter, runCli as runIndexCli } from '@line-server/indexer'
import { SERVE_OPTIONS, loadServerConfig, type ServerConfig } from './config.js'
import { createApp, createMetricsApp } from './app.js'
import { createLineCache } from './cache.js'
import { createLogger, type Logger } from './logger.js'
import { createCounters, createMetrics } from './metrics.js'
import { createServingState, isReady } from './serving-state.js'
import { createHttpServer, drain, listen } from './http-server.js'
import { LineService } from './line-service.js'
import { applyHeapGrowthPercent } from './heap-growth.js'
import cluster from 'node:cluster'
import { runClusterPrimary } from './cluster-primary.js'
import { createClusterMetricsRenderer } from './cluster-metrics.js'

const USAGE = `Usage: line-server serve <file> [options]
       line-server index <file> [options]
Serves each line of <file> at GET /lines/<n> (1-based), indexing the file first if needed.`

export async function runMain (argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'serve') return await serve(rest)
  if (command === 'index') return await runIndexCli(rest)
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(formatHelp(USAGE, SERVE_OPTIONS))
    return 0
  }
  process.stderr.write(`line-server: unknown command ${JSON.stringify(command ?? '')}\n${USAGE}\n`)
  return 2
}

async function serve (argv: readonly string[]): Promise<number> {
  const loaded = loadServerConfig(argv, process.env)
  if (loaded.kind === 'help') {
    process.stdout.write(formatHelp(USAGE, SERVE_OPTIONS))
    return 0
  }
  if (loaded.kind === 'invalid') {
    process.stderr.write(`line-server: invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`)
    return 2
  }
  const unreadable = checkReadableFile(loaded.config.dataPath)
  if (unreadable !== undefined) {
    process.stderr.write(`line-server: ${unreadable}\n`)
    return 1
  }
  const logger = createLogger()
  // Before anything fills the heap; cluster workers run serve() too and set their own.
  applyHeapGrowthPercent(loaded.config.heapGrowthPercent)
  try {
    if (loaded.config.processes > 1 && cluster.isPrimary) return await runClusterPrimary(loaded.config, logger)
    const code = await startServing(loaded.config, logger)
    // A cluster worker's IPC channel keeps its event loop alive: close it, or the worker (and
    // the primary waiting for it) would never exit.
    if (cluster.isWorker) process.disconnect()
    return code
  } catch (err) {
    logger.log('error', 'start-up failed', { error: (err as Error).message })
    return 1
  }
}

async function startServing (config: ServerConfig, logger: Logger): Promise<number> {
  const isClusterWorker = cluster.isWorker
  const state = createServingState()
  const counters = createCounters()
  const cache = createLineCache({ maxBytes: Math.floor(config.cacheBytes / config.processes), maxLineBytes: config.cacheMaxLineBytes })
  let address = { address: config.host, port: config.port }
  const service = new LineService({
    config,
    state,
    cache,
    logger,
    progress: createProgressReporter(process.stderr, 'indexing'),
    servingMessage: isClusterWorker ? 'worker serving' : 'serving',
    servingLogFields: () => ({ host: address.address, port: address.port, threads: config.threads, workerNice: config.workerNice, cacheBytes: config.cacheBytes, heapGrowthPercent: config.heapGrowthPercent })
  })
  const metrics = createMetrics({
    counters,
    cache: () => ({ entries: cache.entries(), bytes: cache.bytes(), memoryBytes: cache.memoryBytes() }),
    engine: () => {
      const engine = service.engine
      return engine === undefined ? undefined : { ...engine.stats, pendingLookups: engine.pendingLookups, threads: engine.threads }
    },
    index: () => service.facts,
    ready: () => isReady(state)
  })
  const renderMetrics = isClusterWorker ? createClusterMetricsRenderer(metrics.registry) : undefined
  const server = createHttpServer(createApp({
    state, cache, counters, metrics, logger, accessLog: config.accessLog, serveMetrics: config.metricsListen === undefined, authToken: config.authToken, renderMetrics
  }), config)
  // In a cluster each worker would bind the metrics port too; the shared handle makes that work
  // and any worker answers with the aggregated text.
  const metricsServer = config.metricsListen === undefined ? undefined : createHttpServer(createMetricsApp(metrics, logger, renderMetrics), config)

  let stopped: (code: number) => void = () => {}
  const exitCode = new Promise<number>((resolve) => { stopped = resolve })
  const shutdown = (signal: string): void => {
    if (state.shuttingDown) return
    state.shuttingDown = true
    logger.log('info', 'shutting down', { signal })
    void Promise.all([drain(server, config.shutdownTimeoutMs), metricsServer === undefined ? true : drain(metricsServer, config.shutdownTimeoutMs)]).then(async ([clean]) => {
      await service.close()
      logger.log('info', 'stopped', { drained: clean })
      stopped(0)
    })
  }
  process.on('SIGTERM', () => { shutdown('SIGTERM') })
  process.on('SIGINT', () => { shutdown('SIGINT') })

  // Alone, listen first so /healthz answers (and /readyz says "starting") while a large file is
  // indexed. A cluster worker listens only once ready: the shared socket would otherwise hand it
  // connections it can only answer with 503 (the primary has built the index already).
  if (!isClusterWorker) address = await listen(server, config.port, config.host, config.listenBacklog)
  if (metricsServer !== undefined && config.metricsListen !== undefined) {
    const metricsAddress = await listen(metricsServer, config.metricsListen.port, config.metricsListen.host, 511)
    logger.log('info', 'metrics listening', { host: metricsAddress.address, port: metricsAddress.port })
  }
  try {
    await service.start()
  } catch (err) {
    // SIGTERM during indexing aborts the build: that is a clean stop, not a failed start.
    if (state.shuttingDown) return await exitCode
    // Nothing to serve: release the port (and its sockets) so the process can exit with the error.
    process.removeAllListeners('SIGTERM')
    process.removeAllListeners('SIGINT')
    server.closeAllConnections()
    server.close()
    metricsServer?.closeAllConnections()
    metricsServer?.close()
    throw err
  }
  if (isClusterWorker) address = await listen(server, config.port, config.host, config.listenBacklog)
  // A signal during indexing: the service started after the drain closed it; close it again.
  if (state.shuttingDown) await service.close()
  return await exitCode
}
