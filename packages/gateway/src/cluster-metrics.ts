// /metrics across processes: with --processes N a scrape lands on any one worker, so that
// worker asks the primary, which gathers every worker's registry (prom-client's
// AggregatorRegistry, over cluster IPC) and returns the sum.
import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'

const REQUEST = 'line-server:metrics-request'
const RESPONSE = 'line-server:metrics-response'
const TIMEOUT_MS = 5000

interface MetricsMessage { type: string, id: number, text?: string, error?: string }

/** In the primary: answers workers' requests for the aggregated metrics text. */
export function serveClusterMetrics (): void {
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker: Worker, message: MetricsMessage) => {
    if (message?.type !== REQUEST) return
    aggregator.clusterMetrics().then(
      (text) => { worker.send({ type: RESPONSE, id: message.id, text }) },
      (err: Error) => { worker.send({ type: RESPONSE, id: message.id, error: err.message }) }
    )
  })
}

/** In a worker: exposes `registry` to the primary and returns a renderer that asks for the sum. */
export function createClusterMetricsRenderer (registry: Registry): () => Promise<string> {
  // Constructing it installs prom-client's worker-side listener; setRegistries says which to send.
  // eslint-disable-next-line no-new
  new AggregatorRegistry()
  AggregatorRegistry.setRegistries([registry])
  const pending = new Map<number, { resolve: (text: string) => void, reject: (err: Error) => void, timer: NodeJS.Timeout }>()
  let nextId = 1
  process.on('message', (message: MetricsMessage) => {
    if (message?.type !== RESPONSE) return
    const request = pending.get(message.id)
    if (request === undefined) return
    pending.delete(message.id)
    clearTimeout(request.timer)
    if (message.error !== undefined) request.reject(new Error(`metrics aggregation failed: ${message.error}`))
    else request.resolve(message.text ?? '')
  })
  return async () => await new Promise<string>((resolve, reject) => {
    const id = nextId++
    const timer = setTimeout(() => {
      pending.delete(id)
      reject(new Error('the primary process did not answer the metrics request'))
    }, TIMEOUT_MS)
    pending.set(id, { resolve, reject, timer })
    process.send!({ type: REQUEST, id })
  })
}
