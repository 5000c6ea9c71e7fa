// `line-server serve <file>`: config → listen → index (build or load) → engine → ready.
// SIGTERM/SIGINT drain in-flight requests, close the pool and exit 0.
import { formatHelp } from '@line-server/shared'
import { LineEngine } from '@line-server/engine'
import { checkReadableFile, createProgressReporter, ensureIndex } from '@line-server/indexer'
import { runCli as runIndexCli } from '@line-server/indexer'
import { SERVE_OPTIONS, loadServerConfig, type ServerConfig } from './config.js'
import { createApp } from './app.js'
import { createLineCache } from './cache.js'
import { createLogger, type Logger } from './logger.js'
import { createCounters, createMetrics } from './metrics.js'
import { createServingState } from './serving-state.js'
import { createHttpServer, drain, listen } from './http-server.js'

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
  const config = loaded.config
  const unreadable = checkReadableFile(config.dataPath)
  if (unreadable !== undefined) {
    process.stderr.write(`line-server: ${unreadable}\n`)
    return 1
  }
  const logger = createLogger()
  try {
    return await startServing(config, logger)
  } catch (err) {
    logger.log('error', 'start-up failed', { error: (err as Error).message })
    return 1
  }
}

async function startServing (config: ServerConfig, logger: Logger): Promise<number> {
  const state = createServingState()
  const counters = createCounters()
  const cache = createLineCache({ maxBytes: config.cacheBytes, maxLineBytes: config.cacheMaxLineBytes })
  let engine: LineEngine | undefined
  let indexFacts: { lines: number, dataBytes: number, checkpoints: number, indexSeconds: number } | undefined
  const metrics = createMetrics({
    counters,
    cache: () => ({ entries: cache.entries(), bytes: cache.bytes() }),
    engine: () => engine === undefined ? undefined : { ...engine.stats, pendingLookups: engine.pendingLookups, threads: engine.threads },
    index: () => indexFacts,
    ready: () => state.source !== undefined && !state.shuttingDown
  })
  const server = createHttpServer(createApp({ state, cache, counters, metrics, logger, accessLog: config.accessLog }), config)
  // Listen first so /healthz answers (and /readyz says "starting") while a large file is indexed.
  const address = await listen(server, config.port, config.host, config.listenBacklog)

  const progress = createProgressReporter(process.stderr, 'indexing')
  const ensured = await ensureIndex({
    dataPath: config.dataPath,
    indexDir: config.indexDir,
    threads: config.indexThreads,
    checkpointEveryLines: config.checkpointEveryLines,
    checkpointEveryBytes: config.checkpointEveryBytes,
    onProgress: progress.update
  })
  progress.finish()
  const indexSeconds = (ensured.build?.seconds ?? 0) + ensured.loadSeconds
  indexFacts = { lines: ensured.header.lineCount, dataBytes: ensured.header.dataSizeBytes, checkpoints: ensured.header.checkpointCount, indexSeconds }
  const lineEngine = new LineEngine({
    dataPath: config.dataPath,
    index: ensured.index,
    threads: config.threads,
    maxPendingLookups: config.maxPendingLookups,
    maxBatchLines: config.batchMaxLines
  })
  engine = lineEngine
  state.source = { lineCount: ensured.header.lineCount, readLine: async (lineIndex) => await lineEngine.readLine(lineIndex) }
  logger.log('info', 'serving', {
    file: config.dataPath,
    lines: ensured.header.lineCount,
    bytes: ensured.header.dataSizeBytes,
    indexPath: ensured.indexPath,
    indexNote: ensured.locationNote,
    indexBuilt: ensured.build !== undefined,
    indexRebuiltBecause: ensured.rebuiltBecause,
    indexSeconds: Number(indexSeconds.toFixed(3)),
    host: address.address,
    port: address.port,
    threads: config.threads,
    cacheBytes: config.cacheBytes
  })

  return await new Promise<number>((resolve) => {
    const shutdown = (signal: string): void => {
      if (state.shuttingDown) return
      state.shuttingDown = true
      logger.log('info', 'shutting down', { signal })
      void drain(server, config.shutdownTimeoutMs).then(async (clean) => {
        await lineEngine.close()
        logger.log('info', 'stopped', { drained: clean })
        resolve(0)
      })
    }
    process.once('SIGTERM', () => { shutdown('SIGTERM') })
    process.once('SIGINT', () => { shutdown('SIGINT') })
  })
}
