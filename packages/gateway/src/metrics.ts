// Prometheus metrics for one app instance (its own Registry, so tests can build several).
// Only the request histogram is touched per request; everything else is a plain counter read
// when Prometheus scrapes, because a labelled metric call costs about a microsecond.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { registerRequestDurationHistogram } from './request-duration-histogram.js'

export const REQUEST_DURATION_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Plain counters the request path increments; read at scrape time. */
export interface ServingCounters {
  cacheHits: number
  cacheMisses: number
  linesServed: number
  bytesServed: number
  requestsInFlight: number
}

/** What the metrics read at scrape time from the parts that own the numbers. */
export interface MetricsSources {
  readonly counters: ServingCounters
  readonly cache: () => { entries: number, bytes: number, memoryBytes: number }
  readonly engine: () => { pendingLookups: number, batches: number, batchedLines: number, rejectedLookups: number, failedLookups: number, coalescedLookups: number, poolErrors: number, threads: number } | undefined
  readonly index: () => { lines: number, dataBytes: number, checkpoints: number, indexSeconds: number } | undefined
  readonly ready: () => boolean
}

export interface ServerMetrics {
  readonly registry: Registry
  readonly observeRequest: (route: string, status: number, seconds: number) => void
}

export function createCounters (): ServingCounters {
  return { cacheHits: 0, cacheMisses: 0, linesServed: 0, bytesServed: 0, requestsInFlight: 0 }
}

export function createMetrics (sources: MetricsSources): ServerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const duration = registerRequestDurationHistogram(registry, {
    name: 'line_server_http_request_duration_seconds',
    help: 'Time from request received to response handed to the socket, by route and status.',
    buckets: REQUEST_DURATION_BUCKETS_SECONDS
  })
  const c = sources.counters
  counter(registry, 'line_server_cache_hits_total', 'Line lookups answered from the LRU cache.', () => c.cacheHits)
  counter(registry, 'line_server_cache_misses_total', 'Line lookups that went to the engine.', () => c.cacheMisses)
  counter(registry, 'line_server_lines_served_total', 'Lines sent with status 200.', () => c.linesServed)
  counter(registry, 'line_server_bytes_served_total', 'Line bytes sent with status 200 (bodies only).', () => c.bytesServed)
  gauge(registry, 'line_server_http_requests_in_flight', 'Requests being handled now.', () => c.requestsInFlight)
  gauge(registry, 'line_server_cache_entries', 'Lines held in the LRU cache.', () => sources.cache().entries)
  gauge(registry, 'line_server_cache_bytes', 'Bytes the LRU cache accounts for, entry overhead included.', () => sources.cache().bytes)
  gauge(registry, 'line_server_cache_memory_bytes', 'Bytes of off-heap slabs holding cached lines; kept for reuse once allocated.', () => sources.cache().memoryBytes)
  gauge(registry, 'line_server_ready', '1 once the index is loaded and the engine is up, else 0.', () => sources.ready() ? 1 : 0, 'min')
  const engine = (): ReturnType<MetricsSources['engine']> => sources.engine()
  gauge(registry, 'line_server_engine_queue_depth', 'Lookups queued or being read by engine workers.', () => engine()?.pendingLookups ?? 0)
  gauge(registry, 'line_server_engine_threads', 'Engine worker threads.', () => engine()?.threads ?? 0)
  counter(registry, 'line_server_engine_batches_total', 'Tasks sent to engine workers.', () => engine()?.batches ?? 0)
  counter(registry, 'line_server_engine_batched_lines_total', 'Lines looked up by engine workers (sum of batch sizes).', () => engine()?.batchedLines ?? 0)
  counter(registry, 'line_server_engine_coalesced_total', 'Lookups that joined an identical lookup already in flight.', () => engine()?.coalescedLookups ?? 0)
  counter(registry, 'line_server_engine_rejected_total', 'Lookups refused with 503 because the engine queue was full.', () => engine()?.rejectedLookups ?? 0)
  counter(registry, 'line_server_engine_failed_total', 'Lookups that failed in an engine worker.', () => engine()?.failedLookups ?? 0)
  counter(registry, 'line_server_engine_pool_errors_total', 'Errors the worker pool reported outside any lookup (logged).', () => engine()?.poolErrors ?? 0)
  gauge(registry, 'line_server_index_lines', 'Lines in the served file.', () => sources.index()?.lines ?? 0, 'max')
  gauge(registry, 'line_server_index_data_bytes', 'Size of the served file in bytes.', () => sources.index()?.dataBytes ?? 0, 'max')
  gauge(registry, 'line_server_index_checkpoints', 'Checkpoints in the line index (16 bytes each in memory).', () => sources.index()?.checkpoints ?? 0, 'max')
  gauge(registry, 'line_server_index_ready_seconds', 'Seconds spent building or loading the index at start-up.', () => sources.index()?.indexSeconds ?? 0, 'max')

  return { registry, observeRequest: duration.observe }
}

function counter (registry: Registry, name: string, help: string, read: () => number): void {
  // eslint-disable-next-line no-new
  new Counter({ name, help, registers: [registry], collect () { this.reset(); this.inc(read()) } })
}

// `aggregator` says how --processes N combines the workers' values: facts about the file are
// the same in every worker ('max'), readiness holds only if every worker is ready ('min').
function gauge (registry: Registry, name: string, help: string, read: () => number, aggregator: 'sum' | 'max' | 'min' = 'sum'): void {
  // eslint-disable-next-line no-new
  new Gauge({ name, help, registers: [registry], aggregator, collect () { this.set(read()) } })
}
