// The `serve` command's options: each a flag and an env var, validated once at start-up into a
// frozen, typed ServerConfig. Every problem is reported together.
import { availableParallelism } from 'node:os'
import { parseCommandLine, type OptionSpec } from '@line-server/shared'
import { INDEX_OPTIONS, resolveUserPath, type EnsureIndexOptions } from '@line-server/indexer'
import { DEFAULT_HEAP_GROWTH_PERCENT } from './heap-growth.js'
import { MAX_CACHE_BYTES } from './cache.js'

// 256 MiB of cache by default: a hot set drawn Zipf-1.1 from 10 M lines (the bench's) needs about
// a million lines cached for 90% hits. Measured on the 1 GiB file: 90.0% after 6.5 M requests at
// 256 MiB; 86.4% after 4.7 M at 64 MiB, whose 262k lines draw at most 89.1% of those requests.
const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024

// 0: the workers keep the process's priority. Niced, they stop preempting the HTTP thread (the
// bottleneck) when they wake on a busy core: under wrk -c100 on 2 cores it waited for a core
// 7-8% of the time at 0, 2-4% at 10, and served 3% more in paired runs. But a niced worker also
// yields to every other busy process, and the bench's own runs (autocannon, a Node process, as
// the load) did worse at 10 than at 0; docs/performance.md, session 13.
const DEFAULT_WORKER_NICE = 0

export const SERVE_OPTIONS: readonly OptionSpec[] = [
  { flag: 'port', env: 'PORT', kind: 'integer', min: 0, max: 65535, default: 8080, description: 'TCP port to listen on (0 picks a free one)' },
  { flag: 'host', env: 'HOST', kind: 'string', default: '0.0.0.0', description: 'address to listen on' },
  { flag: 'cache-bytes', env: 'LINE_SERVER_CACHE_BYTES', kind: 'bytes', min: 0, max: MAX_CACHE_BYTES, default: DEFAULT_CACHE_BYTES, description: 'LRU cache budget for hot lines in bytes (0 disables; at most 128GiB)' },
  { flag: 'cache-max-line-bytes', env: 'LINE_SERVER_CACHE_MAX_LINE_BYTES', kind: 'bytes', min: 0, default: 64 * 1024, description: 'lines longer than this bypass the cache' },
  { flag: 'heap-growth-percent', env: 'LINE_SERVER_HEAP_GROWTH_PERCENT', kind: 'integer', min: 0, max: 1000, default: DEFAULT_HEAP_GROWTH_PERCENT, description: 'garbage the JS heap may gather past its live size before a full GC, in percent (0: V8 decides); lower holds RSS down for more GC time' },
  { flag: 'processes', env: 'LINE_SERVER_PROCESSES', kind: 'integer', min: 1, max: 64, default: 1, description: 'serving processes sharing the port (node:cluster); the cache budget is split among them' },
  { flag: 'threads', env: 'LINE_SERVER_THREADS', kind: 'integer', min: 1, max: 256, description: 'engine worker threads per process reading the file (default: cores / processes, 1 to 4)' },
  { flag: 'max-pending', env: 'LINE_SERVER_MAX_PENDING', kind: 'integer', min: 1, max: 10_000_000, default: 16384, description: 'lookups queued before new ones get 503 + Retry-After' },
  { flag: 'batch-max-lines', env: 'LINE_SERVER_BATCH_MAX_LINES', kind: 'integer', min: 1, max: 65536, default: 256, description: 'most lines sent to a worker in one task' },
  { flag: 'worker-nice', env: 'LINE_SERVER_WORKER_NICE', kind: 'integer', min: 0, max: 19, default: DEFAULT_WORKER_NICE, description: 'how far below the HTTP thread the engine workers run in CPU priority (nice increment; 0 keeps them level)' },
  { flag: 'batch-eager-lines', env: 'LINE_SERVER_BATCH_EAGER_LINES', kind: 'integer', min: 1, max: 65536, default: 32, description: 'lookups that go to an idle worker at once instead of at the end of the event-loop turn' },
  { flag: 'headers-timeout-ms', env: 'LINE_SERVER_HEADERS_TIMEOUT_MS', kind: 'integer', min: 1, max: 3_600_000, default: 10_000, description: 'time a client has to send request headers' },
  { flag: 'request-timeout-ms', env: 'LINE_SERVER_REQUEST_TIMEOUT_MS', kind: 'integer', min: 1, max: 3_600_000, default: 30_000, description: 'time a client has to send a whole request' },
  { flag: 'keep-alive-timeout-ms', env: 'LINE_SERVER_KEEP_ALIVE_TIMEOUT_MS', kind: 'integer', min: 1, max: 3_600_000, default: 65_000, description: 'idle time before a keep-alive connection is closed' },
  { flag: 'shutdown-timeout-ms', env: 'LINE_SERVER_SHUTDOWN_TIMEOUT_MS', kind: 'integer', min: 0, max: 3_600_000, default: 10_000, description: 'time in-flight requests get to finish on SIGTERM' },
  { flag: 'listen-backlog', env: 'LINE_SERVER_LISTEN_BACKLOG', kind: 'integer', min: 1, max: 65535, default: 8192, description: 'pending-connection queue length (capped by net.core.somaxconn)' },
  // At least a second: a timeout terminates the worker, and terminating one that is still loading
  // its module aborts the whole process (a V8 fatal error); a replacement loads in tens of ms.
  { flag: 'lookup-timeout-ms', env: 'LINE_SERVER_LOOKUP_TIMEOUT_MS', kind: 'integer', min: 1000, max: 3_600_000, default: 5000, description: 'a lookup batch not answered in this time fails with 503 and its worker is replaced' },
  { flag: 'watch-interval-ms', env: 'LINE_SERVER_WATCH_INTERVAL_MS', kind: 'integer', min: 10, max: 3_600_000, default: 1000, description: 'how often the data file is checked for changes (size, mtime, inode)' },
  { flag: 'line-range', env: 'LINE_SERVER_LINE_RANGE', kind: 'string', description: 'serve only lines A-B (1-based, inclusive) as one shard; others get 404 ERR_LINE_NOT_IN_SHARD' },
  { flag: 'metrics-listen', env: 'LINE_SERVER_METRICS_LISTEN', kind: 'string', description: 'serve /metrics on its own host:port instead of the main port' },
  { flag: 'auth-token', env: 'LINE_SERVER_AUTH_TOKEN', kind: 'string', description: 'require Authorization: Bearer <token> on /lines and, on the main port, /metrics (prefer the env var: flags show in ps)' },
  { flag: 'access-log', env: 'LINE_SERVER_ACCESS_LOG', kind: 'boolean', default: false, description: 'log one JSON line per request' },
  ...INDEX_OPTIONS
]

export interface ServerConfig {
  readonly dataPath: string
  readonly port: number
  readonly host: string
  readonly cacheBytes: number
  readonly cacheMaxLineBytes: number
  readonly heapGrowthPercent: number
  readonly processes: number
  readonly threads: number
  /** Nice increment of the engine worker threads over the process's own. */
  readonly workerNice: number
  readonly maxPendingLookups: number
  readonly batchMaxLines: number
  readonly batchEagerLines: number
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  readonly shutdownTimeoutMs: number
  readonly listenBacklog: number
  readonly accessLog: boolean
  /** Own listener for /metrics; undefined serves it on the main port. */
  readonly metricsListen: { readonly host: string, readonly port: number } | undefined
  readonly authToken: string | undefined
  readonly lookupTimeoutMs: number
  readonly watchIntervalMs: number
  /** 1-based inclusive line range of this shard; undefined serves every line. */
  readonly lineRange: { readonly first: number, readonly last: number } | undefined
  readonly indexDir: string | undefined
  readonly indexThreads: number
  readonly checkpointEveryLines: number
  readonly checkpointEveryBytes: number
  readonly indexMaxBytes: number
}

export type ConfigResult =
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid', readonly problems: readonly string[] }
  | { readonly kind: 'ok', readonly config: ServerConfig }

export function loadServerConfig (argv: readonly string[], env: NodeJS.ProcessEnv): ConfigResult {
  const parsed = parseCommandLine(SERVE_OPTIONS, argv, env)
  if (parsed.help) return { kind: 'help' }
  const problems = [...parsed.problems]
  if (parsed.positionals.length !== 1) problems.push(`expected exactly one data file, got ${parsed.positionals.length}`)
  const v = parsed.values
  if (typeof v['headers-timeout-ms'] === 'number' && typeof v['request-timeout-ms'] === 'number' && v['headers-timeout-ms'] > v['request-timeout-ms']) {
    problems.push('--headers-timeout-ms must not be larger than --request-timeout-ms')
  }
  const lineRange = parseLineRange(v['line-range'] as string | undefined)
  if (typeof lineRange === 'string') problems.push(lineRange)
  const metricsListen = parseHostPort(v['metrics-listen'] as string | undefined)
  if (typeof metricsListen === 'string') problems.push(metricsListen)
  const authToken = v['auth-token'] as string | undefined
  if (authToken !== undefined && !/^[\x21-\x7e]{16,4096}$/.test(authToken)) problems.push('--auth-token must be 16 to 4096 visible ASCII characters')
  if (problems.length > 0 || typeof lineRange === 'string' || typeof metricsListen === 'string') return { kind: 'invalid', problems }
  const indexDir = v['index-dir'] as string | undefined
  return {
    kind: 'ok',
    config: Object.freeze({
      dataPath: resolveUserPath(parsed.positionals[0]!),
      port: v.port as number,
      host: v.host as string,
      cacheBytes: v['cache-bytes'] as number,
      cacheMaxLineBytes: v['cache-max-line-bytes'] as number,
      heapGrowthPercent: v['heap-growth-percent'] as number,
      processes: v.processes as number,
      threads: (v.threads as number | undefined) ?? defaultThreads(v.processes as number),
      workerNice: v['worker-nice'] as number,
      maxPendingLookups: v['max-pending'] as number,
      batchMaxLines: v['batch-max-lines'] as number,
      batchEagerLines: v['batch-eager-lines'] as number,
      headersTimeoutMs: v['headers-timeout-ms'] as number,
      requestTimeoutMs: v['request-timeout-ms'] as number,
      keepAliveTimeoutMs: v['keep-alive-timeout-ms'] as number,
      shutdownTimeoutMs: v['shutdown-timeout-ms'] as number,
      listenBacklog: v['listen-backlog'] as number,
      accessLog: v['access-log'] as boolean,
      metricsListen,
      authToken,
      lookupTimeoutMs: v['lookup-timeout-ms'] as number,
      watchIntervalMs: v['watch-interval-ms'] as number,
      lineRange,
      indexDir: indexDir === undefined ? undefined : resolveUserPath(indexDir),
      indexThreads: v['index-threads'] as number,
      checkpointEveryLines: v['checkpoint-lines'] as number,
      checkpointEveryBytes: v['checkpoint-bytes'] as number,
      indexMaxBytes: v['index-max-bytes'] as number
    })
  }
}

// Worker threads of all processes together match the cores: on 2 cores, 2 processes with one
// thread each served 37.5k req/s against 35.1k with two each (wrk -c100, median of 3). More than
// 4 only helps reads that go to disk, which a user can ask for.
function defaultThreads (processes: number): number {
  return Math.max(1, Math.min(4, Math.floor(availableParallelism() / processes)))
}

function parseLineRange (text: string | undefined): ServerConfig['lineRange'] | string {
  if (text === undefined) return undefined
  const match = /^\s*(\d{1,15})\s*-\s*(\d{1,15})\s*$/.exec(text)
  const first = Number(match?.[1])
  const last = Number(match?.[2])
  if (match === null || first < 1 || last < first) return `--line-range=${JSON.stringify(text)}: expected A-B with 1 <= A <= B, e.g. 1-5000000`
  return { first, last }
}

function parseHostPort (text: string | undefined): ServerConfig['metricsListen'] | string {
  if (text === undefined) return undefined
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(text.trim())
  const port = Number(match?.[3])
  if (match === null || port > 65535) return `--metrics-listen=${JSON.stringify(text)}: expected host:port, e.g. 127.0.0.1:9464`
  return { host: match[1] ?? (match[2] === '' ? '0.0.0.0' : match[2]!), port }
}

/** The index options of a server config, as ensureIndex takes them. */
export function indexOptionsOf (config: ServerConfig, onProgress: EnsureIndexOptions['onProgress'], signal?: AbortSignal): EnsureIndexOptions {
  return {
    signal,
    dataPath: config.dataPath,
    indexDir: config.indexDir,
    threads: config.indexThreads,
    checkpointEveryLines: config.checkpointEveryLines,
    checkpointEveryBytes: config.checkpointEveryBytes,
    indexMaxBytes: config.indexMaxBytes,
    onProgress
  }
}
