// Raw HTTP requests with node:http: the request target is sent exactly as given (fetch would
// normalise dot segments and re-encode), and the body comes back as bytes.
import { Agent, request } from 'node:http'

export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: Buffer
}

export interface RawRequestOptions {
  readonly method?: string
  readonly agent?: Agent
  readonly headers?: Readonly<Record<string, string>>
}

/** Sends `method target` to `baseUrl` (e.g. http://127.0.0.1:1234) and collects the whole response. */
export async function rawRequest (baseUrl: string, target: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl)
  return await new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, method: options.method ?? 'GET', agent: options.agent, headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      res.once('error', reject)
      res.once('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
    })
    req.once('error', reject)
    req.end()
  })
}

/** A keep-alive agent with `sockets` connections, destroyed by the caller when done. */
export function createPooledAgent (sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets })
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapConcurrent<T, R> (items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const runner = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await task(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner))
  return results
}
