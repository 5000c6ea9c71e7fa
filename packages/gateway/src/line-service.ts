// Owns what is being served: loads (or builds) the index, starts the engine, and publishes a
// LineSource. Watches the data file (size, mtime, inode, at --watch-interval-ms and on any
// read that finds it changed) and, when it changes, answers 503 ERR_FILE_CHANGED until the new
// version is indexed: bytes of one version are never served with another version's index.
import { statSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { sliceIndex } from '@line-server/shared'
import { LineEngine } from '@line-server/engine'
import { ensureIndex, type EnsuredIndex, type ProgressReporter } from '@line-server/indexer'
import { indexOptionsOf, type ServerConfig } from './config.js'
import type { LineCache } from './cache.js'
import type { Logger } from './logger.js'
import type { ServingState } from './serving-state.js'

export interface IndexFacts {
  readonly lines: number
  readonly dataBytes: number
  readonly checkpoints: number
  readonly indexSeconds: number
}

interface ServedVersion {
  readonly engine: LineEngine
  readonly facts: IndexFacts
  readonly inode: bigint
  readonly sizeBytes: number
  readonly mtimeNs: bigint
  /** How the index was obtained, for the "serving" log line. */
  readonly indexLog: Readonly<Record<string, unknown>>
}

export interface LineServiceDependencies {
  readonly config: ServerConfig
  readonly state: ServingState
  readonly cache: LineCache
  readonly logger: Logger
  readonly progress: ProgressReporter
  /** Fields for the "serving" log line that only main knows (the listening address). */
  readonly servingLogFields: () => Record<string, unknown>
  /** The message of that line: "serving", or "worker serving" in a cluster worker (the primary says "serving"). */
  readonly servingMessage: string
}

export class LineService {
  private readonly deps: LineServiceDependencies
  private current: ServedVersion | undefined
  private reloading = false
  private closed = false
  private watchTimer: NodeJS.Timeout | undefined
  /** Aborts an index build in progress when the service closes (SIGTERM during indexing). */
  private readonly closing = new AbortController()

  constructor (deps: LineServiceDependencies) {
    this.deps = deps
  }

  get engine (): LineEngine | undefined { return this.current?.engine }
  get facts (): IndexFacts | undefined { return this.current?.facts }

  /** Loads the first version; throws when the file cannot be indexed. */
  async start (): Promise<void> {
    this.activate(await this.open(), false)
    this.watchTimer = setInterval(() => { this.checkFile() }, this.deps.config.watchIntervalMs)
    this.watchTimer.unref()
  }

  async close (): Promise<void> {
    this.closed = true
    this.closing.abort(new Error('the server is shutting down'))
    clearInterval(this.watchTimer)
    await this.current?.engine.close()
  }

  private async open (): Promise<ServedVersion> {
    const { config, progress } = this.deps
    const inode = statSync(config.dataPath, { bigint: true }).ino
    const ensured = await ensureIndex(indexOptionsOf(config, progress.update, this.closing.signal))
    progress.finish()
    const { header } = ensured
    const range = config.lineRange
    const index = range === undefined || header.lineCount === 0
      ? ensured.index
      : sliceIndex(ensured.index, range.first - 1, Math.min(range.last, header.lineCount) - 1)
    const engine = new LineEngine({
      dataPath: config.dataPath,
      index,
      expectedData: { sizeBytes: header.dataSizeBytes, mtimeNs: header.dataMtimeNs },
      threads: config.threads,
      workerNiceIncrement: config.workerNice,
      maxPendingLookups: config.maxPendingLookups,
      maxBatchLines: config.batchMaxLines,
      eagerBatchLines: config.batchEagerLines,
      lookupTimeoutMs: config.lookupTimeoutMs,
      // A retired engine's late reads report the change that retired it; only the served one counts.
      onFileChanged: () => { if (this.current?.engine === engine) void this.reload('a read found the file differs from its index') },
      onPoolError: (err) => { this.deps.logger.log('error', 'engine pool error', { error: String(err) }) }
    })
    return {
      indexLog: indexLogFields(ensured),
      engine,
      facts: { lines: header.lineCount, dataBytes: header.dataSizeBytes, checkpoints: index.checkpointCount, indexSeconds: indexSecondsOf(ensured) },
      inode,
      sizeBytes: header.dataSizeBytes,
      mtimeNs: header.dataMtimeNs
    }
  }

  private activate (version: ServedVersion, reloaded: boolean): void {
    const { config, state, logger } = this.deps
    this.current = version
    const lineCount = version.facts.lines
    state.source = {
      lineCount,
      firstLineIndex: config.lineRange === undefined ? 0 : config.lineRange.first - 1,
      lastLineIndex: config.lineRange === undefined ? lineCount - 1 : Math.min(lineCount, config.lineRange.last) - 1,
      // Not an async wrapper: that would add a promise and microtask hops to every lookup.
      readLine: (lineIndex) => version.engine.readLine(lineIndex)
    }
    logger.log('info', this.deps.servingMessage, {
      file: config.dataPath,
      lines: lineCount,
      bytes: version.facts.dataBytes,
      lineRange: config.lineRange === undefined ? undefined : `${config.lineRange.first}-${config.lineRange.last}`,
      ...version.indexLog,
      reloaded,
      ...this.deps.servingLogFields()
    })
  }

  private checkFile (): void {
    const version = this.current
    if (version === undefined || this.reloading) return
    let now
    try {
      now = statSync(this.deps.config.dataPath, { bigint: true })
    } catch (err) {
      void this.reload(`the data file cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      return
    }
    if (now.ino !== version.inode || now.size !== BigInt(version.sizeBytes) || now.mtimeNs !== version.mtimeNs) {
      void this.reload(describeChange(version, now.ino, Number(now.size), now.mtimeNs))
    }
  }

  private async reload (reason: string): Promise<void> {
    if (this.reloading || this.closed) return
    this.reloading = true
    const { state, cache, logger } = this.deps
    const old = this.current
    this.current = undefined
    state.source = undefined
    state.unavailable = 'ERR_FILE_CHANGED'
    cache.clear()
    logger.log('warn', 'data file changed; re-indexing before serving again', { file: this.deps.config.dataPath, reason })
    old?.engine.close().catch((err: unknown) => { logger.log('error', 'closing the old engine failed', { error: String(err) }) })
    while (!this.closed) {
      try {
        const version = await this.open()
        if (this.closed) { await version.engine.close(); break }
        this.activate(version, true)
        break
      } catch (err) {
        logger.log('error', 're-indexing failed; retrying in 1 s', { error: (err as Error).message })
        await sleep(1000)
      }
    }
    this.reloading = false
  }
}

/** Seconds start-up spent on the index: building it (when it had to) plus loading it. */
function indexSecondsOf (ensured: EnsuredIndex): number {
  return (ensured.build?.seconds ?? 0) + ensured.loadSeconds
}

/** How the index was obtained, as the "serving" log line reports it (here and in the cluster primary). */
export function indexLogFields (ensured: EnsuredIndex): Record<string, unknown> {
  return {
    indexPath: ensured.indexPath,
    indexNote: ensured.locationNote,
    indexBuilt: ensured.build !== undefined,
    indexRebuiltBecause: ensured.rebuiltBecause,
    indexSeconds: Number(indexSecondsOf(ensured).toFixed(3))
  }
}

function describeChange (version: ServedVersion, inode: bigint, sizeBytes: number, mtimeNs: bigint): string {
  if (inode !== version.inode) return 'the file was replaced (new inode)'
  if (sizeBytes < version.sizeBytes) return `the file was truncated from ${version.sizeBytes} to ${sizeBytes} bytes`
  if (sizeBytes > version.sizeBytes) return `the file grew from ${version.sizeBytes} to ${sizeBytes} bytes`
  return `the file was modified (mtime changed) at the same size ${sizeBytes}`
}
